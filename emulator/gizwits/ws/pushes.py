"""What the cloud pushes on ``/ws/app/v1``, built from the one change feed and the bindings.

Every :class:`~emulator.core.changes.Change` of a device — whatever caused it: REST or
WebSocket control, a button, the week program, a derogation ending, a scheduler task, a
rule or scene, the room temperature, the clock being advanced — reaches every session
subscribed to the device, in feed order:

- a data report (``attrs``, even an empty one: the device answered a command with its
  status) as one ``s2c_noti`` with the device's **full** attribute set at the change's
  instant (``custom`` sessions get the same report as ``s2c_raw``, a P0 0x0091 frame);
- ``online``/``offline`` as ``s2c_online_status``.

Binding and unbinding reach the user's logged-in sessions as ``s2c_binding_changed``
(subscribed or not); an unbound device leaves the user's subscriptions, a newly bound one
joins those of the user's ``auto_subscribe`` sessions.

Frames are built once per change and shared by every session that gets the same text.
The pusher runs where the change is published (under the cloud's lock, in whatever
thread); the session registry hands the frames to each session's own event loop.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct

from ...core.changes import Change
from ...core.sessions import Outgoing, Session, SessionRegistry
from ..devices import Device, p0
from . import messages
from .state import ATTRS_V4, state_of

if TYPE_CHECKING:
    from ..cloud.cloud import Cloud

#: P0 action byte of a device status report.
REPORT_ACTION = 0x04


class Answer(Struct):
    """A read or write with ``req_sn`` being handled: the requester's copy of the report that
    answers it carries ``res_sn`` (a read), or is preceded by ``s2c_ack`` (a write)."""

    session: Session
    did: str
    req_sn: int
    ack: bool


def report_frame(device: Device, values: Mapping[str, Any]) -> bytes:
    """The device's status report as a P0 frame (cmd 0x0091, action 0x04, every data point)."""
    body = bytes([REPORT_ACTION]) + device.product.datapoints.encode_status(values)
    return p0.Frame(p0.CMD_REPORT, body).encode()


class Pusher:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.sessions: SessionRegistry = cloud.sessions
        #: The read/write with ``req_sn`` in progress, if any (set under the cloud's lock).
        self.answer: Answer | None = None
        self._feed: Any = None
        self._bindings: Any = None

    def attach(self, cloud: Cloud) -> None:
        """Follow the cloud's current feed and bindings (after a reset they are new objects)."""
        if self._feed is not cloud.feed:
            self._feed = cloud.feed
            cloud.feed.subscribe(self.changed)
        if self._bindings is not cloud.bindings:
            self._bindings = cloud.bindings
            cloud.bindings.watchers.append(self.binding_changed)

    # -- device changes ----------------------------------------------------------------------------
    def changed(self, change: Change) -> None:
        subscribers = self.sessions.subscribers(change.did)
        if not subscribers:
            return  # the usual case, kept cheap: the simulation publishes millions of changes
        device = self.cloud.devices.get(change.did)
        if device is None:
            return
        if change.kind == "attrs":
            self.report(device, change.at, subscribers)
        elif change.kind in ("online", "offline"):
            out = messages.online_status(device.did, device.passcode, device.mac, change.kind == "online")
            self.sessions.deliver((session, out) for session in subscribers)

    def report(self, device: Device, at: float, subscribers: tuple[Session, ...] | None = None) -> None:
        """Send the device's full state at ``at`` to every session subscribed to it."""
        if subscribers is None:
            subscribers = self.sessions.subscribers(device.did)
        values = device.read(at)
        did = device.did
        answer = self.answer if self.answer is not None and self.answer.did == did else None
        shared: dict[str, Outgoing] = {}
        items: list[tuple[Session, Outgoing]] = []
        for session in subscribers:
            kind = state_of(session).p0_type
            if answer is not None and session is answer.session:
                self.answer = None
                if answer.ack:
                    items.append((session, messages.ack(did, answer.req_sn)))
                else:
                    items.append((session, self._build(kind, device, values, answer.req_sn)))
                    continue
            out = shared.get(kind)
            if out is None:
                out = shared[kind] = self._build(kind, device, values, None)
            items.append((session, out))
        self.sessions.deliver(items)

    @staticmethod
    def _build(kind: str, device: Device, values: Mapping[str, Any], res_sn: int | None) -> Outgoing:
        if kind == ATTRS_V4:
            return messages.noti(device.did, values, res_sn=res_sn, push=res_sn is None)
        return messages.raw(device.did, report_frame(device, values), push=res_sn is None)

    # -- bindings --------------------------------------------------------------------------------
    def binding_changed(self, uid: str, did: str, bound: bool) -> None:
        sessions = [s for s in self.sessions.owned_by(uid) if state_of(s).login is not None]
        if not sessions:
            return
        out = messages.binding_changed(did, bound)
        self.sessions.deliver((session, out) for session in sessions)
        for session in sessions:
            if not bound:
                self.sessions.unsubscribe(session, did)
            elif state_of(session).auto_subscribe:
                self.sessions.subscribe(session, did)
