"""Seed the contract snapshots from the reference material, until real recordings replace them.

``python -m contract.seed_snapshots`` reads the real captures under
``../shared/reference/captures`` and the documented examples of the seeds (transcribed
below as payload shapes) and writes them, normalized, into ``contract/snapshots/``, each
marked with its source and date. Entries recorded against the real cloud
(``"source": "cloud"``) are never overwritten. Seeded entries are compared by shape
(keys and types), cloud recordings strictly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from emulator.testing.snapshots import Normalizer, snapshot_of

ROOT = Path(__file__).resolve().parent
CAPTURES = ROOT.parents[1] / "shared" / "reference" / "captures"
SNAPSHOTS = ROOT / "snapshots"

#: heatzypy's captures name products by their own keys; the product names of the cloud.
HEATZYPY_PRODUCTS = {"inea": "INEA", "pilote2": "Pilote2", "heatzy": "Heatzy", "bloom": "Bloom", "onyx": "onyx",
                     "pilotesocc3": "Pilote_Soc_C3", "glow": "Glow_Simple", "pilote_soc": "Pilote_Soc"}

_GUIDE = "seed 000: Heatzy openAPI guide (2020)"
_ERRORS = "seed 001: error body fields (error_message, error_code integer, detail_message); status from seed 002"


def entry(source: str, date: str, body: Any, status: int | None = 200, content_type: str | None = None
          ) -> dict[str, Any]:
    return {"source": source, "recorded-date": date,
            "snapshot": snapshot_of(status, content_type, body, Normalizer())}


def error(code: int, message: str, status: int) -> dict[str, Any]:
    return entry(_ERRORS, "2024", {"error_message": message, "error_code": code, "detail_message": None}, status)


def capture(name: str) -> Any:
    return json.loads((CAPTURES / name).read_text(encoding="utf-8"))


def seeds() -> dict[str, dict[str, dict[str, Any]]]:
    """``{snapshot file: {test key: {snapshot name: entry}}}``."""
    heatzypy_devices = capture("heatzypy/devices.json")["devices"]
    hass = capture("hass-heatzy/Devices.json")
    # Two heatzypy bindings lack updated_at; the hass-heatzy capture of the same product has it.
    hass_updated = {item["product_name"]: item["updated_at"] for item in hass.values() if "updated_at" in item}
    updated_at = {item["did"]: item.get("updated_at", hass_updated.get(item["product_name"]))
                  for item in heatzypy_devices}
    attributes = capture("heatzypy/attributes.json")

    devdata: dict[str, dict[str, Any]] = {}
    for key, item in attributes.items():
        body = {"did": item["did"], "updated_at": updated_at[item["did"]], "attr": item["attr"]}
        devdata[f"test_devdata[{HEATZYPY_PRODUCTS[key]}]"] = {"devdata": entry(
            "capture heatzypy/attributes.json (attr) + devices.json (updated_at)", "2024-04-30", body)}
    for item in hass.values():
        if item["product_name"] not in {HEATZYPY_PRODUCTS[k] for k in attributes}:
            body = {"did": item["did"], "updated_at": item["updated_at"], "attr": item["attrs"]}
            devdata[f"test_devdata[{item['product_name']}]"] = {"devdata": entry(
                "capture hass-heatzy/Devices.json (attrs, updated_at)", "2023-10-26", body)}

    bindings: dict[str, dict[str, Any]] = {}
    for item in heatzypy_devices:
        bindings[f"test_list_bindings[{item['product_name']}]"] = {"binding": entry(
            "capture heatzypy/devices.json", "2024-04-30", {"devices": [item]})}
    for item in hass.values():
        key = f"test_list_bindings[{item['product_name']}]"
        if key not in bindings:
            bindings[key] = {"binding": entry("capture hass-heatzy/Devices.json (attrs dropped)", "2023-10-26",
                                              {"devices": [{k: v for k, v in item.items() if k != "attrs"}]})}
    guide_details = {
        "remark": "range=3 | isdelete=1 | gid=0 | groupname= | grouprange=3", "protoc": 3, "wss_port": 8880,
        "ws_port": 8080, "did": "G4bswhyi57KARCDgFhTHH7", "port_s": 8883, "is_disabled": False, "proto_ver": "04",
        "product_key": "51d16c22a5f74280bc3cfe9ebcdc6402", "port": 1883, "host": "eusandbox.gizwits.com",
        "mac": "98f4abb38302", "state_last_timestamp": 1585469225, "role": "special", "gw_did": "",
        "mesh_id": None, "is_online": True, "passcode": "LYNNXOCDVH", "sleep_duration": 0,
        "product_name": "Pilote2", "is_low_power": False,
    }
    guide_task = {
        "remark": "", "repeat": "thu", "did": "3kemQXYncdoQCC8kyN3Ke4", "created_at": "2020-03-30T03:10:36",
        "enabled": True, "days": [], "product_key": "9420ae048da545c88fc6274d204dd25f", "raw": "",
        "attrs": {"mode": 2}, "time": "06:30", "date": "", "scene_id": "", "group_id": "",
        "id": "5e81632c8fbe2709f3f2fd73",
    }
    return {
        "test_contract_users.json": {
            "test_login": {"login": entry(_GUIDE, "2020-03-26", {
                "token": "ad2c5bcab1d04398adf13b5gaf4f25563", "uid": "e1164c4b23274cf2b97d5db0d5782312",
                "expire_at": 1592901707})},
            "test_login_with_a_wrong_password": {"login": error(9020, "username or password error!", 400)},
            "test_token_reads_the_profile": {"profile": entry(
                "capture sderosiaux-heatzy/user.json", "2019-05-19", capture("sderosiaux-heatzy/user.json"))},
            "test_a_bad_token_is_refused": {"profile": error(9004, "token invalid", 400)},
            "test_a_missing_application_id_is_refused": {"profile": error(9003, "appid invalid", 400)},
            "test_profile_update_and_restore": {"update": entry(
                _GUIDE, "2020-03-31", {"updatedAt": "2020-03-31T04:52:38.434400"})},
        },
        "test_contract_bindings.json": {
            **bindings,
            "test_update_binding_of_an_unknown_device": {"update": error(9014, "device not found!", 404)},
            "test_unbind_and_bind_again": {"unbind": entry(_GUIDE, "2020-03-26", {
                "failed": [], "success": ["G4bswhyi45QBPPAgFhTHH7"]})},
            **{f"test_binding_alias_change_and_restore[{p}]": {"update": entry(_GUIDE, "2020-03-26", {
                "remark": "remarque", "dev_label": [], "dev_alias": "API test"})} for p in ("Pilote2", "Heatzy")},
        },
        "test_contract_devices.json": {
            "test_device_details[INEA]": {"details": entry(
                "capture heatzypy/device.json", "2024-04-30", capture("heatzypy/device.json"))},
            "test_device_details[Pilote2]": {"details": entry(_GUIDE, "2020-03-29", guide_details)},
            "test_datapoint[Pilote2]": {"datapoint": entry(
                "capture sderosiaux-heatzy/datapoint.json", "2019-05-19", capture("sderosiaux-heatzy/datapoint.json"))},
            "test_device_details_of_an_unknown_device": {"details": error(9014, "device not found!", 404)},
            **devdata,
        },
        "test_contract_control.json": {
            "test_control_with_an_invalid_attr": {"control": error(9025, "attr invalid!", 400)},
            "test_control_without_attrs_or_raw": {"control": error(9015, "form invalid!", 400)},
            "test_control_of_an_unknown_device": {"control": error(9014, "device not found!", 404)},
        },
        "test_contract_scheduler.json": {
            "test_scheduler_lifecycle": {
                "create": entry(_GUIDE, "2020-03-30", {"id": "5e81ab138fbe27054217f628"}, status=201),
                "list": entry(_GUIDE, "2020-03-30", [guide_task]),
            },
            "test_scheduler_task_without_time": {"create": error(9015, "form invalid!", 400)},
            "test_unknown_scheduler_task": {"update": error(9030, "scheduler not found!", 404)},
        },
    }


_EWELINK = "seed 004: eWeLink API v2"


def ewelink_seeds() -> dict[str, dict[str, dict[str, Any]]]:
    """The eWeLink examples of seed 004 (its line numbers in the source), as answers of the contract tests."""
    def envelope(lines: str, error: int, msg: str, data: Any) -> dict[str, Any]:
        return entry(f"{_EWELINK} L{lines}", "2024", {"error": error, "msg": msg, "data": data})

    return {"test_contract_ewelink.json": {
        "test_login_on_another_regions_host": {"login": envelope("504-512", 10004, "redirection", {"region": "eu"})},
        "test_an_unknown_interface": {"answer": envelope("66-72", 403, "api not found", {})},
        "test_dispatch": {"dispatch": entry(f"{_EWELINK} L1936-1944", "2024", {
            "port": 8080, "IP": "52.80.19.131", "reason": "ok", "domain": "cn-pconnect2.coolkit.cc", "error": 0})},
        "test_a_success_envelope": {"family": entry(f"{_EWELINK} L48-58 (envelope), L1623-1661 (data)", "2024", {
            "error": 0, "msg": "", "data": {"familyList": [{
                "id": "5f5e1d4b1a6a1e0008a0b0c0", "apikey": "xxx", "name": "My Home", "index": 0,
                "roomList": [{"id": "5f5e1d4b1a6a1e0008a0b0c1", "name": "Living room", "index": 0}]}],
                "currentFamilyId": "5f5e1d4b1a6a1e0008a0b0c0"}})},
    }}


def main() -> int:
    if not CAPTURES.is_dir():
        print(f"reference captures not found at {CAPTURES}", file=sys.stderr)
        return 2
    for file, tests in {**seeds(), **ewelink_seeds()}.items():
        path = SNAPSHOTS / file
        current = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        for test_key, entries in tests.items():
            for name, item in entries.items():
                existing = current.get(test_key, {}).get(name)
                if existing is None or existing.get("source") != "cloud":
                    current.setdefault(test_key, {})[name] = item
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(current, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT.parent)}: {sum(len(e) for e in current.values())} snapshots")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
