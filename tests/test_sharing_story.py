"""The whole story: an owner shares a heater for an hour, the guest accepts and controls it,
the hour passes on the emulator clock, the guest loses access, and both read what happened."""

from __future__ import annotations

from conftest import assert_error
from starlette.testclient import TestClient
from support_users import FRIEND_EMAIL, T0, friend_headers, messages, uid_of

from emulator.gizwits.cloud.cloud import Cloud


def test_a_shared_heater_for_one_hour(client: TestClient, cloud: Cloud, demo: dict[str, str],
                                      demo_dids: dict[str, str]) -> None:
    cloud.clock.freeze(T0)
    did = demo_dids["Pilote_Soc"]
    friend = friend_headers(client)

    # The owner invites the friend for 60 minutes.
    created = client.post("/app/sharing", headers=demo, json={"type": 0, "did": did, "email": FRIEND_EMAIL,
                                                             "duration": 60})
    assert created.status_code == 200
    sharing_id = created.json()["id"]
    [invitation] = client.get("/app/sharing?sharing_type=1&status=0", headers=friend).json()["objects"]
    assert (invitation["id"], invitation["did"], invitation["dev_alias"]) == (sharing_id, did, "Chambre bébé")

    # Ten minutes later the friend accepts, sees the heater and turns it to comfort.
    cloud.advance(600)
    assert client.put(f"/app/sharing/{sharing_id}?status=1", headers=friend).json() == {"id": sharing_id}
    [device] = client.get("/app/bindings", headers=friend).json()["devices"]
    assert (device["did"], device["role"]) == (did, "guest")
    assert client.post(f"/app/control/{did}", headers=friend, json={"attrs": {"mode": "cft"}}).status_code == 200
    assert client.get(f"/app/devdata/{did}/latest", headers=friend).json()["attr"]["mode"] == "cft"
    guests = client.get(f"/app/{did}/bindings", headers=demo).json()
    assert [g["uid"] for g in guests] == [uid_of(cloud, FRIEND_EMAIL)]

    # 59 minutes after accepting, still there; at 60 minutes, gone.
    cloud.advance(59 * 60)
    assert client.post(f"/app/control/{did}", headers=friend, json={"attrs": {"mode": "eco"}}).status_code == 200
    cloud.advance(60)
    assert_error(client.post(f"/app/control/{did}", headers=friend, json={"attrs": {"mode": "fro"}}), 9017, 401)
    assert client.get("/app/bindings", headers=friend).json() == {"devices": []}
    assert client.get(f"/app/{did}/bindings", headers=demo).json() == []
    [record] = client.get("/app/sharing?sharing_type=0", headers=demo).json()["objects"]
    assert (record["status"], record["updated_at"]) == (3, "2023-11-14T23:23:20Z")

    # Both users read the story in their message center, newest first.
    assert [m["content"] for m in messages(client, demo)] == [
        "Sharing the device Pilote_Soc with f****d@heatzy.test has ended.",
        "f****d@heatzy.test accepted the device Pilote_Soc you shared.",
        "You shared the device Pilote_Soc with f****d@heatzy.test.",
    ]
    assert [m["content"] for m in messages(client, friend)] == [
        "Your access to the device Pilote_Soc shared by d****o@heatzy.test has ended.",
        "You accepted the device Pilote_Soc shared by d****o@heatzy.test.",
        "d****o@heatzy.test shared the device Pilote_Soc with you.",
    ]
    assert [m["created_at"] for m in messages(client, friend)] == [
        "2023-11-14T23:23:20Z", "2023-11-14T22:23:20Z", "2023-11-14T22:13:20Z"]
    # The owner still has the heater, and its own control goes on.
    assert client.post(f"/app/control/{did}", headers=demo, json={"attrs": {"mode": "eco"}}).status_code == 200
