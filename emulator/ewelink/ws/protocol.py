"""The eWeLink app WebSocket protocol (``/api/ws``, seed 004 L1954-2304): what the cloud does
with each frame an app sends.

One frame at a time per connection (the session registry reads the next one only when this
one is handled), under the world's lock after due events have run:

- ``userOnline`` (the handshake): the ``appid`` must be an app of the cloud (407 otherwise),
  ``at`` a live access token of that app (not revoked, not expired on the emulator's clock)
  and ``apikey`` its account, in the region of the host the socket came to (a region host
  such as ``eu-pconnect2.coolkit.cc``; any other host serves every region); otherwise
  ``{"error": 406, "reason": "Authentication Failed"}``. ``nonce``, ``ts``, ``version`` and
  ``userAgent`` are not checked (the official SDK sends neither ``ts`` nor ``version``). The
  answer is ``{"error": 0, "apikey", "config": {"hb": 1, "hbInterval"}, "sequence"}``; a new
  ``userOnline`` on the same socket replaces the login.
- ``update``: ``deviceid``, ``params`` (a non-empty object) and ``sequence``. ``apikey`` is the
  session's account or the owner of a device shared with it (empty or absent: the session's),
  ``selfApikey``, when given, the session's account (406 otherwise). The params are checked
  by the device's family as for ``POST /v2/device/thing/status`` (400), an unknown or
  invisible device is 405; an offline device, one made silent by a session fault, or one a
  device fault rule breaks, answers 504. Success: ``{"error": 0, "apikey", "deviceid",
  "sequence"}``, and the change is pushed to the other sessions (:mod:`.pushes`).
- ``query``: ``deviceid``, ``params`` (a list of names, ``[]`` for all; names trimmed, unknown
  ones left out) and ``sequence``; answers ``{"error": 0, "apikey", "deviceid", "params",
  "sequence"}`` from the cloud's copy (an offline device too).
- the text ``ping``: ``pong``, and the heartbeat watchdog starts again (real time). No ping
  for the registry's heartbeat timeout closes the socket.

Every other frame is answered ``{"error": 400, "reason", "sequence"?}`` (not JSON, not an
object, no ``action``, an action an app does not send, a missing or ill-typed field);
``update`` and ``query`` before a successful ``userOnline`` are 406. No frame closes the
socket. The journal keeps every frame, the ``at`` of a handshake redacted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ...core import bodies
from ...core.sessions import Inbound, Session, SessionRegistry
from ..errors import EwelinkError
from ..regions import region_of_host
from . import messages
from .pushes import Pusher
from .state import Login, owner_key, state_of

if TYPE_CHECKING:
    from ..cloud.cloud import EwelinkCloud
    from ..cloud.users import Account

#: The ``hbInterval`` the seed's example answers (L1995); smaller when the server's timeout is short.
HB_INTERVAL = 145
#: Seconds between the advertised interval and the server's timeout: clients ping up to 7 s late (L2003).
HB_MARGIN = 35
#: Longest frame text kept in the journal when it is not JSON.
_JOURNAL_TEXT = 2048
_REDACTED = "<redacted>"
#: The actions of the seed an app sends that the emulator does not serve (OTA goes to a device).
_NOT_EMULATED = ("upgrade",)


def hb_interval(timeout: float) -> int:
    """The interval to advertise for a server-side heartbeat timeout of ``timeout`` seconds."""
    return max(1, min(HB_INTERVAL, int(timeout) - HB_MARGIN))


class Refused(Exception):
    """A frame answered with an error code."""

    def __init__(self, code: int, reason: str, *, note: str | None = None, understood: bool = True,
                 **named: Any) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.note = note or reason
        self.understood = understood
        self.named = named


def _bad(reason: str, **named: Any) -> Refused:
    return Refused(400, reason, understood=False, **named)


def _sequence(frame: dict[str, Any]) -> str | int | None:
    value = frame.get("sequence")
    return value if isinstance(value, str | int) and not isinstance(value, bool) else None


def _journaled(frame: dict[str, Any]) -> dict[str, Any]:
    return {**frame, "at": _REDACTED} if frame.get("action") == "userOnline" and "at" in frame else frame


class EwelinkProtocol:
    def __init__(self, cloud: EwelinkCloud) -> None:
        self.cloud = cloud
        self.sessions: SessionRegistry = cloud.world.sessions
        self.pusher = Pusher(cloud)
        self._handlers: dict[str, Callable[[Session, dict[str, Any], float], str | None]] = {
            "userOnline": self.user_online, "update": self.update, "query": self.query,
        }

    @property
    def hb_interval(self) -> int:
        return hb_interval(self.sessions.heartbeat_timeout)

    # -- wiring ----------------------------------------------------------------------------------
    def attach(self, cloud: EwelinkCloud) -> None:
        """The state was (re)built: follow the new feed, end every session of this protocol."""
        self.pusher.attach(cloud)
        self.sessions.restart(self, self._logout)

    # -- the session registry's calls ------------------------------------------------------------
    def opened(self, session: Session) -> None:
        state_of(session)

    def closed(self, session: Session) -> None:
        with self.cloud.lock:
            self._logout(session)

    def heartbeat_expired(self, session: Session) -> None:
        with self.cloud.lock:
            self._logout(session)
        self.sessions.close(session)

    def received(self, session: Session, data: str | bytes) -> Inbound:
        text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
        if text.strip() == "ping":
            return self._ping(session)
        raw = data.encode("utf-8", errors="surrogatepass") if isinstance(data, str) else data
        try:
            frame = bodies.parse_json_object(raw, required=True)
        except bodies.BodyError as error:
            detail = str(error).replace("request body", "frame").replace("a JSON object body", "a JSON object frame")
            self.sessions.send(session, messages.refused(400, detail, None))
            return Inbound(text[:_JOURNAL_TEXT], understood=False, note=detail)
        action, deviceid = frame.get("action"), frame.get("deviceid")
        inbound = Inbound(_journaled(frame), action if isinstance(action, str) else None,
                          deviceid if isinstance(deviceid, str) else None)
        sequence = _sequence(frame)
        try:
            if not isinstance(action, str) or not action:
                raise _bad("action (a string) is required")
            handler = self._handlers.get(action)
            if handler is None:
                if action in _NOT_EMULATED:
                    raise _bad(f"{action!r} is not emulated")
                raise _bad(f"{action!r} is not an action an app sends")
            with self.cloud.lock:
                try:
                    if action != "userOnline" and state_of(session).login is None:
                        raise Refused(406, "send userOnline first", deviceid=inbound.topic)
                    inbound.note = handler(session, frame, self.cloud.world.sync())
                finally:
                    # With a state file, what the frame changed is saved before its answer is written.
                    self.cloud.world.durable.commit()
        except Refused as refusal:
            inbound.understood = refusal.understood
            inbound.note = refusal.note
            self.sessions.send(session, messages.refused(refusal.code, refusal.reason, sequence,
                                                         action=inbound.cmd, **refusal.named))
        except EwelinkError as error:
            inbound.note = error.msg
            self.sessions.send(session, messages.refused(error.code, error.msg, sequence, action=inbound.cmd,
                                                         deviceid=inbound.topic))
        return inbound

    def _ping(self, session: Session) -> Inbound:
        self.sessions.heartbeat(session)
        self.sessions.send(session, messages.pong())
        return Inbound("ping", "ping")

    # -- the handshake ---------------------------------------------------------------------------
    def _logout(self, session: Session) -> None:
        state = state_of(session)
        if state.login is not None:
            state.login = None
            self.pusher.audience_sessions -= 1
        self.sessions.set_owner(session, None)

    def user_online(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        self._logout(session)
        appid = frame.get("appid")
        if not isinstance(appid, str) or self.cloud.apps.get(appid) is None:
            raise Refused(407, "appid has no permission", note=f"unknown appid {appid!r}")
        apikey = self._authenticated(session, frame, appid, now)
        state = state_of(session)
        state.login = Login(apikey, appid)
        state.logins += 1
        self.pusher.audience_sessions += 1
        self.sessions.set_owner(session, owner_key(apikey))
        self.sessions.heartbeat(session)
        self.sessions.send(session, messages.online(apikey, self.hb_interval, _sequence(frame)))
        return None

    def _authenticated(self, session: Session, frame: dict[str, Any], appid: str, now: float) -> str:
        """The apikey of the handshake's account; :class:`Refused` 406 with the reason in the journal."""
        at, apikey = frame.get("at"), frame.get("apikey")

        def failed(why: str) -> Refused:
            return Refused(406, messages.AUTH_FAILED, note=why)

        if not isinstance(at, str) or not at or not isinstance(apikey, str) or not apikey:
            raise failed("at and apikey (strings) are required")
        try:
            token = self.cloud.accounts.token(at, now)
        except EwelinkError as error:
            raise failed(f"{error.code}: {error.msg}") from None
        if token.appid != appid:
            raise failed("the access token was issued to another app")
        if token.apikey != apikey:
            raise failed("apikey is not the access token's account")
        account = self.cloud.accounts.get(apikey)
        if account is None:
            raise failed("the account was closed")
        region = region_of_host(session.websocket.headers.get("host"))
        if region is not None and region != account.region:
            raise failed(f"the account lives in the {account.region} region, this host serves {region}")
        return apikey

    # -- devices ---------------------------------------------------------------------------------
    def _account(self, session: Session, frame: dict[str, Any]) -> tuple[Account, str, str | int]:
        """The session's account, the frame's deviceid and sequence; who the frame speaks for checked."""
        login = state_of(session).login
        assert login is not None
        deviceid = frame.get("deviceid")
        if not isinstance(deviceid, str) or not deviceid:
            raise _bad("deviceid (a string) is required")
        sequence = _sequence(frame)
        if sequence is None or sequence == "":
            raise _bad("sequence (a string, the time in milliseconds) is required", deviceid=deviceid)
        me = login.apikey
        apikey, self_apikey = frame.get("apikey"), frame.get("selfApikey")
        for name, value in (("apikey", apikey), ("selfApikey", self_apikey)):
            if value is not None and not isinstance(value, str):
                raise _bad(f"{name} must be a string", deviceid=deviceid)
        if self_apikey and self_apikey != me:
            raise Refused(406, "selfApikey is not the account of this session", deviceid=deviceid)
        if apikey and apikey != me:
            thing = self.cloud.things.get(deviceid)
            if thing is None or thing.owner != apikey or thing.share_of(me) is None:
                raise Refused(406, "apikey is neither this session's account nor the owner of a device "
                                   "shared with it", deviceid=deviceid)
        account = self.cloud.accounts.get(me)
        if account is None:
            raise Refused(406, "the account was closed", deviceid=deviceid)
        return account, deviceid, sequence

    def update(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        account, deviceid, sequence = self._account(session, frame)
        params = frame.get("params")
        if not isinstance(params, dict) or not params:
            raise _bad("params must be an object naming at least one param", deviceid=deviceid)
        login = state_of(session).login
        assert login is not None
        self.cloud.things.require_visible(account.apikey, deviceid)
        if self.sessions.faults.is_silent(deviceid) and self.cloud.device(deviceid).online:
            raise Refused(504, "the device did not respond", note=f"device {deviceid} is silent (fault)",
                          deviceid=deviceid)
        self.pusher.origin = session
        try:
            self.cloud.control(account, deviceid, params, appid=login.appid)
        except EwelinkError as error:
            if error.code == 4002:  # offline, or a device fault rule: the device does not answer
                raise Refused(504, "the device did not respond", note=error.msg, deviceid=deviceid) from None
            raise Refused(error.code, error.msg, deviceid=deviceid) from None
        finally:
            self.pusher.origin = None
        config = {}
        if "hundredDaysKwh" in params:  # checked by the family: only a POW takes it
            device = self.cloud.device(deviceid)
            config["hundredDaysKwhData"] = device.family.hundred_days_kwh(device, now)
        self.sessions.send(session, messages.update_ack(account.apikey, deviceid, sequence, config))
        return None

    def query(self, session: Session, frame: dict[str, Any], now: float) -> str | None:
        account, deviceid, sequence = self._account(session, frame)
        names = frame.get("params", [])
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise _bad("params must be a list of param names ([] for all)", deviceid=deviceid)
        try:
            self.cloud.things.require_visible(account.apikey, deviceid)
            device = self.cloud.observe(self.cloud.device(deviceid), now)
        except EwelinkError as error:
            raise Refused(error.code, error.msg, deviceid=deviceid) from None
        params = device.read(now)
        # Names are trimmed: the seed's own query example asks for "timers " (L2256).
        wanted = [n.strip() for n in names if n.strip()]
        if wanted:
            params = {k: v for k, v in params.items() if k in wanted}
        self.sessions.send(session, messages.query_answer(account.apikey, deviceid, params, sequence))
        return None

    # -- the control plane -------------------------------------------------------------------------
    def describe(self, session: Session) -> dict[str, Any]:
        state = state_of(session)
        login = state.login
        remaining = session.deadline - session.loop.time() if not session.closed else 0.0
        return {
            "id": session.id, "cloud": "ewelink", "client": session.client, "connected_at": session.connected_at,
            "logged_in": login is not None, "apikey": login.apikey if login else None,
            "appid": login.appid if login else None, "hb_interval": self.hb_interval,
            "last_ping": session.last_heartbeat_at, "heartbeat_timeout_in": round(max(remaining, 0.0), 3),
            "queued": len(session.queue), "logins": state.logins,
        }
