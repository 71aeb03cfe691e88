"""Story: "when the Pro's window opens, switch the Pilote2 to fro", as a client would set it up.

With open-window detection on (``window_switch`` 1), a Pilote Pro whose room cools sharply
(a window opens) stops heating: it reports ``cur_signal`` "fro" and ``heating_state`` 0, and
a linkage rule on that report switches the living-room Pilote2 to frost protection.
"""

from __future__ import annotations

from clocked import PRO_PK, T0, cloud_at
from conftest import login, user_headers
from starlette.testclient import TestClient

from emulator.app import create_app


def test_the_pilote2_goes_to_frost_protection_when_the_pros_window_opens() -> None:
    cloud = cloud_at(T0)
    with TestClient(create_app(cloud=cloud)) as client:
        headers = user_headers(login(client)["token"])
        devices = client.get("/app/bindings", headers=headers).json()["devices"]
        did = {d["dev_alias"]: d["did"] for d in devices}
        pro, salon = did["Séjour"], did["Salon"]

        response = client.post("/app/rules", headers=headers, json={
            "product_key": PRO_PK, "did": pro, "name": "Fenêtre ouverte", "event": "data",
            "input": [{"product_key": PRO_PK, "did": pro, "prefix": "pro"}],
            "condition": [[{"left": "pro.cur_signal", "opt": "==", "right": "'fro'"},
                           {"left": "pro.heating_state", "opt": "==", "right": "0"}]],
            "output": [[{"type": "devctrl", "did": salon, "attrs": {"mode": "fro"}}]],
        })
        assert response.status_code == 200

        def salon_mode() -> str:
            return client.get(f"/app/devdata/{salon}/latest", headers=headers).json()["attr"]["mode"]

        assert client.post(f"/app/control/{pro}", headers=headers,
                           json={"attrs": {"window_switch": 1}}).status_code == 200
        pro_device = cloud.devices.require(pro)
        cloud.advance(300)
        assert salon_mode() == "cft"

        cloud.set_environment(pro_device, window_open=True)  # the window opens: the room cools
        opened = cloud.now()
        cloud.advance(60)
        assert salon_mode() == "cft", "no detection before the room has cooled 0.5 °C"
        cloud.advance(240)
        assert salon_mode() == "fro"
        detection = next(r for r in cloud.history.of(pro) if r.attrs.get("cur_signal") == "fro")
        assert detection.attrs["heating_state"] == 0 and opened < detection.at <= opened + 300
        change = cloud.history.of(salon)[-1]
        assert (change.source, change.at, change.attrs) == ("rule", detection.at, {"mode": "fro"})
