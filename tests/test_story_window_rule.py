"""Story: "when the Pro's window opens, switch the Pilote2 to fro", as a client would set it up.

The Pilote Pro's open-window detection reports ``heating_state`` 0 and ``cur_signal`` "fro"
when a window opens; here that report is simulated with ``cloud.apply(..., source="device")``.
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

        pro_device = cloud.devices.require(pro)
        cloud.apply(pro_device, {"cur_temp": 176}, source="device")  # a colder room, window still shut
        assert salon_mode() == "cft"

        cloud.clock.advance(300)
        cloud.apply(pro_device, {"cur_signal": "fro", "heating_state": 0}, source="device")  # the window opens
        assert salon_mode() == "fro"
        change = cloud.history.of(salon)[-1]
        assert (change.source, change.at, change.attrs) == ("rule", T0 + 300, {"mode": "fro"})
