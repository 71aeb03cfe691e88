"""The app WebSocket protocol (``/ws/app/v1``): what the cloud does with each client frame.

One frame at a time per connection (the session registry reads the next one only when
this one is handled), under the cloud's lock after due events have run:

- ``login_req``: checks the app id, the token (with the emulator's clock: an expired
  token fails) and that ``uid`` is the token's user; answers ``login_res``. A failed login
  leaves the socket open and logged out (clients retry on the same socket); a repeated
  login replaces the previous one. ``auto_subscribe`` (default true) subscribes every
  bound device at once, with no ``subscribe_res``.
- ``subscribe_req``: idempotent; ``subscribe_res`` always has ``success`` and ``failed``
  (9014 unknown did, 9017 not bound to the user).
- ``c2s_read``: the device's full state as ``s2c_noti`` to every session subscribed to it
  (the requester's copy carries ``res_sn`` when the read had ``req_sn``); ``names`` is
  accepted and ignored (Heatzy data points are fixed-length).
- ``c2s_write``: the same checks and validation as REST control; names the product does
  not have are left out and reported (9025) after the rest is applied. With ``req_sn`` the
  requester gets ``s2c_ack`` before the report.
- ``c2s_raw``: a P0 frame (cmd 0x0090 or 0x0093); its payload goes to the device as a REST
  ``raw`` control does. Accepted on ``attrs_v4`` sessions too.
- ``ping``: ``pong``, and the heartbeat watchdog starts again; ``c2s_ack``: accepted.

Before a successful login every command (a ping too) gets 1003. An offline device, or one
made silent by a fault, does not answer reads and writes (nothing is sent back). Every
other problem is an ``s2c_invalid_msg`` with a non-fatal code (:mod:`.errors`); no frame
ever closes the socket. Frames the emulator does not understand (not JSON, no ``cmd``, an
unknown ``cmd``, missing fields) are journaled as such, for strict mode.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...core.sessions import Inbound, Session, SessionRegistry
from ..api.http import byte_list, parse_json_object
from ..devices import p0
from ..errors import ApiError
from . import errors, messages
from .pushes import Answer, Pusher
from .state import ATTRS_V4, CUSTOM, P0_TYPES, Login, state_of

if TYPE_CHECKING:
    from ..cloud.cloud import Cloud

#: Longest frame text kept in the journal when it is not JSON.
_JOURNAL_TEXT = 2048
_REDACTED = "<redacted>"


class Refused(Exception):
    """A frame answered with ``s2c_invalid_msg``."""

    def __init__(self, code: int, detail: str | None = None, *, understood: bool = True) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail
        self.understood = understood


class Silent(Exception):
    """A frame that gets no answer (the device does not reply); the reason goes to the journal."""


def _form(detail: str) -> Refused:
    return Refused(errors.FORM_INVALID, detail, understood=False)


def _data(frame: dict[str, Any]) -> dict[str, Any]:
    data = frame.get("data")
    if not isinstance(data, dict):
        raise _form(f"{frame['cmd']}: data must be an object")
    return data


def _did(data: dict[str, Any]) -> str:
    did = data.get("did")
    if not isinstance(did, str) or not did:
        raise _form("did (a string) is required")
    return did


def _req_sn(frame: dict[str, Any]) -> int | None:
    value = frame.get("req_sn")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(errors.FORM_INVALID, "req_sn must be an integer")
    return value


def _journaled(frame: dict[str, Any]) -> dict[str, Any]:
    """The frame as the journal keeps it: the login token redacted."""
    data = frame.get("data")
    if frame.get("cmd") == "login_req" and isinstance(data, dict) and "token" in data:
        return {**frame, "data": {**data, "token": _REDACTED}}
    return frame


class GizwitsProtocol:
    def __init__(self, cloud: Cloud) -> None:
        self.cloud = cloud
        self.sessions: SessionRegistry = cloud.sessions
        self.pusher = Pusher(cloud)
        self._handlers: dict[str, Callable[[Session, dict[str, Any], float], str | None]] = {
            "login_req": self.login, "subscribe_req": self.subscribe, "c2s_read": self.read,
            "c2s_write": self.write, "c2s_raw": self.raw, "ping": self.ping, "c2s_ack": self.client_ack,
        }

    # -- wiring ----------------------------------------------------------------------------------
    def attach(self, cloud: Cloud) -> None:
        """The cloud's state was (re)built: follow its new feed and bindings, end every session."""
        self.pusher.attach(cloud)
        self.sessions.restart(self, self._logout)

    # -- the session registry's calls ------------------------------------------------------------
    def opened(self, session: Session) -> None:
        state_of(session)

    def closed(self, session: Session) -> None:
        pass

    def heartbeat_expired(self, session: Session) -> None:
        with self.cloud.lock:
            self._logout(session)
        self.sessions.send(session, messages.invalid(errors.NO_HEARTBEAT))
        self.sessions.close(session)

    def received(self, session: Session, data: str | bytes) -> Inbound:
        raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
        try:
            frame = parse_json_object(raw, required=True)
        except ApiError as error:
            text = data if isinstance(data, str) else raw.decode("utf-8", errors="replace")
            detail = (error.detail or "").replace("request body", "frame")
            self.sessions.send(session, messages.invalid(errors.FORM_INVALID, detail))
            return Inbound(text[:_JOURNAL_TEXT], understood=False, note=detail)
        cmd = frame.get("cmd")
        data_field = frame.get("data")
        topic = data_field.get("did") if isinstance(data_field, dict) else frame.get("did")
        inbound = Inbound(_journaled(frame), cmd if isinstance(cmd, str) else None,
                          topic if isinstance(topic, str) else None)
        try:
            if not isinstance(cmd, str) or not cmd:
                raise _form("cmd (a string) is required")
            handler = self._handlers.get(cmd)
            if handler is None:
                raise Refused(errors.UNKNOWN_CMD, f"{cmd!r} is not a command a client sends", understood=False)
            with self.cloud.lock:
                try:
                    if cmd != "login_req" and state_of(session).login is None:
                        raise Refused(errors.NOT_LOGGED_IN)
                    inbound.note = handler(session, frame, self.cloud.sync())
                finally:
                    # With a state file, what the frame changed is saved before its answer, queued just
                    # now, is written to the socket (docs/durable-state.md); in memory this does nothing.
                    self.cloud.durable.commit()
        except Refused as refusal:
            inbound.understood = refusal.understood
            inbound.note = refusal.detail or errors.message(refusal.code)
            self.sessions.send(session, messages.invalid(refusal.code, refusal.detail, topic=inbound.topic))
        except Silent as silence:
            inbound.note = str(silence)
        return inbound

    # -- login -----------------------------------------------------------------------------------
    def _logout(self, session: Session) -> None:
        state_of(session).login = None
        self.sessions.unsubscribe_all(session)
        self.sessions.set_owner(session, None)

    def login(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        data = _data(frame)
        state = state_of(session)
        self._logout(session)
        try:
            login = self._check_login(data, now)
        except ValueError as problem:
            self.sessions.send(session, messages.login_res(False))
            return f"login refused: {problem}"
        state.login = login
        state.logins += 1
        self.sessions.set_owner(session, login.uid)
        self.sessions.heartbeat(session)
        if login.auto_subscribe:
            for binding in self.cloud.bindings.of_user(login.uid):
                self.sessions.subscribe(session, binding.did)
        self.sessions.send(session, messages.login_res(True))
        return None

    def _check_login(self, data: dict[str, Any], now: float) -> Login:
        appid, uid, token = data.get("appid"), data.get("uid"), data.get("token")
        if not all(isinstance(v, str) and v for v in (appid, uid, token)):
            raise ValueError("appid, uid and token (strings) are required")
        p0_type = data.get("p0_type", ATTRS_V4)
        if p0_type not in P0_TYPES:
            raise ValueError(f"p0_type must be one of {list(P0_TYPES)}")
        auto = data.get("auto_subscribe", True)
        if not isinstance(auto, bool):
            raise ValueError("auto_subscribe must be true or false")
        interval = data.get("heartbeat_interval")
        if interval is not None and (isinstance(interval, bool) or not isinstance(interval, int | float)):
            raise ValueError("heartbeat_interval must be a number of seconds")
        try:
            self.cloud.apps.require(appid)
            user = self.cloud.users.authenticate_token(str(appid), str(token), now)
        except ApiError as error:
            raise ValueError(f"{error.code} {error.spec.message}") from None
        if user.uid != uid:
            raise ValueError("uid is not the token's user")
        return Login(user.uid, str(appid), str(p0_type), auto, None if interval is None else int(interval))

    # -- subscriptions ---------------------------------------------------------------------------
    def subscribe(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        items = frame.get("data")
        if not isinstance(items, list) or not all(isinstance(i, dict) and isinstance(i.get("did"), str)
                                                  for i in items):
            raise _form('subscribe_req: data must be a list of {"did": "..."}')
        login = state_of(session).login
        assert login is not None
        success: list[str] = []
        failed: list[tuple[str, int]] = []
        for did in dict.fromkeys(item["did"] for item in items):
            if self.cloud.devices.get(did) is None:
                failed.append((did, errors.DEVICE_NOT_FOUND))
            elif self.cloud.bindings.get(login.uid, did) is None:
                failed.append((did, errors.DEVICE_NOT_BOUND))
            else:
                self.sessions.subscribe(session, did)
                success.append(did)
        self.sessions.send(session, messages.subscribe_res(success, failed))
        return None

    def _subscribed_device(self, session: Session, did: str) -> Any:
        login = state_of(session).login
        assert login is not None
        user = self.cloud.users.get(login.uid)
        try:
            if user is None:
                raise ApiError(9017)
            device, _ = self.cloud.bound_device(user, did)
        except ApiError as error:
            raise Refused(error.code, f"device {did!r}") from None
        if did not in session.topics:
            raise Refused(errors.SEND_FAILED, f"device {did!r} is not subscribed on this socket "
                                              "(subscribe_req first)")
        if self.sessions.faults.is_silent(did):
            raise Silent(f"device {did} is silent (fault): no answer")
        return user, device

    # -- data --------------------------------------------------------------------------------------
    def _data_session(self, session: Session, cmd: str) -> None:
        if state_of(session).p0_type == CUSTOM:
            raise Refused(errors.FORM_INVALID, f"{cmd} is not allowed on a custom (raw) session: use c2s_raw")

    def read(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        data = _data(frame)
        did = _did(data)
        self._data_session(session, "c2s_read")
        req_sn = _req_sn(frame)
        _, device = self._subscribed_device(session, did)
        if not device.online:
            raise Silent(f"device {did} is offline: no answer")
        self.pusher.answer = None if req_sn is None else Answer(session, did, req_sn, ack=False)
        try:
            self.pusher.report(device, now)
        finally:
            self.pusher.answer = None
        return None

    def write(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        data = _data(frame)
        did = _did(data)
        attrs = data.get("attrs")
        if not isinstance(attrs, dict) or not attrs:
            raise _form("c2s_write: attrs must be a non-empty object")
        self._data_session(session, "c2s_write")
        req_sn = _req_sn(frame)
        user, device = self._subscribed_device(session, did)
        datapoints = device.product.datapoints
        known = {name: value for name, value in attrs.items() if name in datapoints}
        unknown = [name for name in attrs if name not in datapoints]
        if known:
            self._control(session, user, did, req_sn, attrs=known)
        if unknown:
            applied = f"; applied {sorted(known)}" if known else ""
            raise Refused(errors.ATTR_INVALID, f"{', '.join(map(repr, unknown))}: no such data point on "
                                               f"{device.product.name}{applied}")
        return None

    def raw(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        data = _data(frame)
        did = _did(data)
        try:
            payload = byte_list(data.get("raw"))
        except ApiError as error:
            raise _form(error.detail or "raw must be a list of bytes") from None
        if payload[:4] != p0.HEADER:
            raise Refused(errors.FORM_INVALID, "raw must be a P0 frame (00 00 00 03, length, flag, cmd, ...)")
        try:
            command = p0.decode(payload)
        except p0.FrameError as error:
            raise Refused(errors.FORM_INVALID, f"raw: {error}") from None
        if command.cmd not in (p0.CMD_CONTROL, p0.CMD_CONTROL_SN):
            raise Refused(errors.FORM_INVALID, f"raw: cmd {command.cmd:#06x} is not an app-to-device command "
                                               "(0x0090, 0x0093)")
        user, _ = self._subscribed_device(session, did)
        self._control(session, user, did, None, raw=list(command.payload))
        return None

    def _control(self, session: Session, user: Any, did: str, req_sn: int | None, *,
                 attrs: dict[str, Any] | None = None, raw: list[int] | None = None) -> None:
        login = state_of(session).login
        assert login is not None
        self.pusher.answer = None if req_sn is None else Answer(session, did, req_sn, ack=True)
        try:
            self.cloud.control(user, login.appid, did, attrs=attrs, raw=raw)
        except ApiError as error:
            if error.code == 9042:
                raise Silent(f"device {did} is offline: the command is lost") from None
            raise Refused(error.code, error.detail) from None
        finally:
            self.pusher.answer = None

    # -- the rest ----------------------------------------------------------------------------------
    def ping(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        self.sessions.heartbeat(session)
        self.sessions.send(session, messages.pong())
        return None

    def client_ack(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        data = frame.get("data") if isinstance(frame.get("data"), dict) else {}
        res_sn = frame.get("res_sn", data.get("res_sn"))
        did = frame.get("did", data.get("did"))
        if isinstance(res_sn, bool) or not isinstance(res_sn, int) or not isinstance(did, str):
            raise _form("c2s_ack: res_sn (an integer) and did (a string) are required")
        return None

    # -- faults ------------------------------------------------------------------------------------
    def end_session(self, session: Session) -> None:
        """1009: the session ends server-side; the socket stays open for a new ``login_req``."""
        with self.cloud.lock:
            self._logout(session)
        self.sessions.send(session, messages.invalid(errors.SESSION_CLOSED))

    def no_heartbeat(self, session: Session) -> None:
        """1011 then close, as when the heartbeat runs out."""
        self.heartbeat_expired(session)

    def describe(self, session: Session) -> dict[str, Any]:
        state = state_of(session)
        login = state.login
        remaining = session.deadline - session.loop.time() if not session.closed else 0.0
        return {
            "id": session.id, "cloud": "gizwits", "client": session.client, "connected_at": session.connected_at,
            "logged_in": login is not None, "uid": login.uid if login else None,
            "appid": login.appid if login else None, "p0_type": login.p0_type if login else None,
            "auto_subscribe": login.auto_subscribe if login else None,
            "heartbeat_interval": login.heartbeat_interval if login else None,
            "subscriptions": list(session.topics), "last_ping": session.last_heartbeat_at,
            "heartbeat_timeout_in": round(max(remaining, 0.0), 3), "queued": len(session.queue),
            "logins": state.logins,
        }
