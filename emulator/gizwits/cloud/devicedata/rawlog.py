"""Communication logs of a device (``raw_data``): P0 frames and connection records.

Built on demand from the device's history (:mod:`.history`), which records every change
on the feed; nothing is stored twice. For each history record, in time order:

- a control sent by the cloud (a change with a payload: an app's control, a scheduler
  task, a rule...) is an ``app2dev`` entry carrying the P0 control frame
  ``00000003`` + length + ``00`` + ``0090`` + the write payload (a payload that already
  is a whole frame is logged as sent). Its ``source`` is ``client`` for an app's control
  (with the ``uid`` and ``appid``) and ``d3`` (the cloud's own engine) for anything the
  cloud runs by itself;
- every data change is a ``dev2app`` entry carrying the device's report frame: ``0091``,
  action ``04`` and the full status at that instant, laid out by the product's data
  point positions. The full status is the fold of the records so far, with the clock
  data points at the record's instant. A control is answered by a report, even when it
  changed nothing;
- ``online``/``offline`` records are ``dev_online``/``dev_offline`` entries.

IP addresses: a device's is ``device.meta["ip"]`` or a stable private address derived
from its MAC; the emulator does not record clients' addresses, so ``app2dev`` entries
carry the loopback address.
"""

from __future__ import annotations

from typing import Any

from ....core.history import History
from ...devices import Device, p0

CMD, ONLINE = "cmd", "online"
LOOPBACK = "127.0.0.1"
_CONNECTION = {"online": "dev_online", "offline": "dev_offline"}
#: History sources that are a device reporting by itself, not the cloud sending a command.
_DEVICE_SOURCES = frozenset({"device", "program"})


def device_ip(device: Device) -> str:
    ip = device.meta.get("ip")
    if isinstance(ip, str):
        return ip
    octets = bytes.fromhex(device.mac.rjust(12, "0")[-6:])
    return "10.{}.{}.{}".format(*octets)


def control_frame(payload: bytes) -> bytes:
    return payload if payload[:4] == p0.HEADER else p0.Frame(p0.CMD_CONTROL, payload).encode()


def report_frame(device: Device, values: dict[str, Any]) -> bytes:
    return p0.Frame(p0.CMD_REPORT, b"\x04" + device.product.datapoints.encode_status(values)).encode()


def entries(history: History, device: Device, kind: str, start: float, end: float) -> list[dict[str, Any]]:
    """The ``raw_data`` objects of type ``kind`` with ``start < timestamp <= end``, oldest first."""
    ip = device_ip(device)
    family = device.family
    state: dict[str, Any] = {}
    found: list[dict[str, Any]] = []
    for record in history.of(device.did, end=end):
        if record.kind == "attrs":
            state.update(record.attrs)
        if record.at <= start:
            continue
        stamp = round(record.at, 3)
        if kind == ONLINE:
            if record.kind in _CONNECTION:
                found.append({"ip": ip, "payload_bin": "", "type": _CONNECTION[record.kind], "timestamp": stamp})
            continue
        if record.kind != "attrs":
            continue
        if record.payload is not None and record.source not in _DEVICE_SOURCES:
            frame = control_frame(record.payload).hex()
            if record.source == "app":
                found.append({"uid": record.uid, "timestamp": stamp, "ip": LOOPBACK, "payload_bin": frame,
                              "source": "client", "appid": record.appid, "type": "app2dev"})
            else:
                found.append({"ip": LOOPBACK, "payload_bin": frame, "type": "app2dev", "timestamp": stamp,
                              "source": "d3"})
        values = {**state, **family.clock(device, record.at)}
        found.append({"ip": ip, "payload_bin": report_frame(device, values).hex(), "type": "dev2app",
                      "timestamp": stamp})
    return found
