"""How devices look on the wire: binding list entries and device details, and their JSON schemas.

Field sets and order follow the real cloud's captured responses (heatzypy's
``devices.json`` and ``device.json``, 2024). Device details carry no ``dev_alias``,
``type`` or versions, as the real cloud's do not.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..cloud.sharing.bindings import Binding
from ..devices import Device
from ..hosts import MQTT_PORT, MQTTS_PORT, WS_PORT, WSS_PORT

# -- schemas (OpenAPI) of what the functions below render ------------------------------------
#: One device as ``GET /app/bindings`` lists it; field set and types from the real cloud's captures.
DEVICE_ITEM: dict[str, Any] = {
    "type": "object",
    "required": [
        "protoc", "ws_port", "port_s", "gw_did", "host", "sleep_duration", "port", "mcu_soft_version",
        "product_key", "state_last_timestamp", "role", "is_sandbox", "type", "product_name", "is_disabled",
        "mcu_hard_version", "wifi_soft_version", "dev_alias", "mesh_id", "is_online", "dev_label", "wss_port",
        "remark", "did", "mac", "passcode", "wifi_hard_version", "is_low_power", "updated_at",
    ],
    "additionalProperties": False,
    "properties": {
        "protoc": {"type": "integer", "description": "network type: 1 BT, 2 BLE, 3 wifi, 4 cellular, 5 NB-IoT"},
        "ws_port": {"type": "integer"},
        "port_s": {"type": "integer"},
        "wss_port": {"type": "integer"},
        "port": {"type": "integer"},
        "gw_did": {"type": ["string", "null"], "description": "null on some products, \"\" on others"},
        "mesh_id": {"type": ["string", "null"]},
        "host": {"type": "string"},
        "sleep_duration": {"type": "integer"},
        "mcu_soft_version": {"type": "string"},
        "mcu_hard_version": {"type": "string"},
        "wifi_soft_version": {"type": "string"},
        "wifi_hard_version": {"type": "string"},
        "product_key": {"type": "string"},
        "product_name": {"type": "string"},
        "state_last_timestamp": {"type": "integer"},
        "updated_at": {"type": "integer"},
        "role": {"type": "string", "enum": ["special", "owner", "guest", "normal"]},
        "is_sandbox": {"type": "boolean"},
        "type": {"type": "string", "enum": ["normal", "center_control", "sub_dev"]},
        "is_disabled": {"type": "boolean"},
        "is_online": {"type": "boolean"},
        "is_low_power": {"type": "boolean"},
        "dev_alias": {"type": "string"},
        "dev_label": {"type": "array", "items": {"type": "string"}},
        "remark": {"type": "string"},
        "did": {"type": "string"},
        "mac": {"type": "string"},
        "passcode": {"type": "string"},
        "proto_ver": {"type": "string", "description": "only with show_proto_ver=1"},
        "lan_prot_ver": {"type": "string", "description": "only with lan_prot_ver=1"},
    },
}

_DETAIL_FIELDS = ("remark", "protoc", "ws_port", "wss_port", "did", "port_s", "is_disabled", "product_key", "port",
                  "host", "mac", "state_last_timestamp", "role", "gw_did", "mesh_id", "is_online", "passcode",
                  "sleep_duration", "product_name", "is_low_power")

#: The body of ``GET /app/devices/{did}`` (the 2024 field set: no dev_alias, type or versions).
DEVICE_DETAILS: dict[str, Any] = {
    "type": "object",
    "required": list(_DETAIL_FIELDS),
    "additionalProperties": False,
    "properties": {name: DEVICE_ITEM["properties"][name] for name in _DETAIL_FIELDS},
}


def utc_time(moment: float) -> str:
    """A time as the sharing, message and guest lists give it: ``"2017-07-21T09:46:56Z"``."""
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def binding_entry(device: Device, binding: Binding, *, proto_ver: bool = False,
                  lan_prot_ver: bool = False) -> dict[str, Any]:
    """One item of ``GET /app/bindings`` (and the body of ``POST /app/bind_mac``)."""
    meta = device.metadata
    entry: dict[str, Any] = {
        "protoc": meta("protoc"),
        "ws_port": WS_PORT,
        "port_s": MQTTS_PORT,
        "gw_did": meta("gw_did"),
        "host": meta("host"),
        "sleep_duration": meta("sleep_duration"),
        "port": MQTT_PORT,
        "mcu_soft_version": meta("mcu_soft_version"),
        "product_key": device.product_key,
        "state_last_timestamp": int(device.state_changed_at),
        "role": binding.role,
        "is_sandbox": meta("is_sandbox"),
        "type": meta("type"),
        "product_name": device.product.name,
        "is_disabled": device.is_disabled,
        "mcu_hard_version": meta("mcu_hard_version"),
        "wifi_soft_version": meta("wifi_soft_version"),
        "dev_alias": binding.dev_alias,
        "mesh_id": None,
        "is_online": device.online,
        "dev_label": list(binding.dev_label),
        "wss_port": WSS_PORT,
        "remark": binding.remark,
        "did": device.did,
        "mac": device.mac,
        "passcode": device.passcode,
        "wifi_hard_version": meta("wifi_hard_version"),
        "is_low_power": False,
        "updated_at": int(device.updated_at),
    }
    if proto_ver:
        entry["proto_ver"] = meta("proto_ver")
    if lan_prot_ver:
        entry["lan_prot_ver"] = meta("proto_ver")
    return entry


def device_details(device: Device, binding: Binding) -> dict[str, Any]:
    """The body of ``GET /app/devices/{did}``."""
    meta = device.metadata
    return {
        "remark": binding.remark,
        "protoc": meta("protoc"),
        "ws_port": WS_PORT,
        "wss_port": WSS_PORT,
        "did": device.did,
        "port_s": MQTTS_PORT,
        "is_disabled": device.is_disabled,
        "product_key": device.product_key,
        "port": MQTT_PORT,
        "host": meta("host"),
        "mac": device.mac,
        "state_last_timestamp": int(device.state_changed_at),
        "role": binding.role,
        "gw_did": meta("gw_did"),
        "mesh_id": None,
        "is_online": device.online,
        "passcode": device.passcode,
        "sleep_duration": meta("sleep_duration"),
        "product_name": device.product.name,
        "is_low_power": False,
    }


#: ``devdata/{did}/latest`` gives "the device's last report within 24 hours" (seed 001, line 1072).
LATEST_WINDOW = 24 * 3600


def devdata(device: Device, now: float) -> dict[str, Any]:
    """The body of ``GET /app/devdata/{did}/latest``.

    A device whose last report is older than :data:`LATEST_WINDOW` (in practice: offline for more
    than a day) has no latest data: ``updated_at`` 0 and no attributes, as pyGizwits saw the real
    cloud answer for a device offline for long. An online device reports, so it is never stale.
    """
    if not device.online and now - device.updated_at > LATEST_WINDOW:
        return {"did": device.did, "updated_at": 0, "attr": {}}
    return {"did": device.did, "updated_at": int(device.updated_at), "attr": device.read(now)}
