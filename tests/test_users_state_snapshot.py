"""Codes, shares and messages survive a snapshot, and pending sharing events still fire after a restore."""

from __future__ import annotations

import json

from conftest import assert_error
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, app_token_headers, friend_headers, messages, send_sms, share

from emulator.gizwits.cloud.cloud import Cloud


def test_snapshot_round_trip_keeps_sharing_running(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                                   demo_dids: dict[str, str]) -> None:
    cloud.clock.freeze(T0)
    did = demo_dids["Pilote2"]
    code = send_sms(client, cloud, "+33612121212")
    share(client, demo, did, email=FRIEND_EMAIL, duration=30)
    friend = friend_headers(client)
    client.put("/app/sharing/1?status=1", headers=friend)
    document = json.loads(json.dumps(cloud.snapshot()))  # JSON-able, all the way
    assert {"codes", "sharing", "messages"} <= set(document["stores"])

    # Undo everything, then put it back.
    cloud.reset()
    cloud.clock.freeze(T0)
    assert cloud.sharing.get(1) is None
    cloud.restore(document)

    assert cloud.sharing.get(1).status == 1  # type: ignore[union-attr]
    assert len(messages(client, friend)) == 2
    check = client.put("/app/verify/codes", headers=app_token_headers(client, cloud),
                       json={"phone": "+33612121212", "sms_code": code})
    assert check.status_code == 200
    assert share(client, demo, demo_dids["Bloom"], email=FRIEND_EMAIL)["id"] == 2  # the id counter came back

    cloud.advance(30 * 60)
    assert_error(client.get(f"/app/devices/{did}", headers=friend), 9017, 401)
    assert "has ended" in messages(client, friend)[0]["content"]
