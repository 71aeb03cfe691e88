"""What the test control plane does to live WebSocket sessions, whoever asks (admin API or
Python handle): list them, close one or all, end their login (1009), stop their heartbeat
(1011), make a device silent, delay pushes, read the frame journal. Listing, closing,
silence, delays and the journal cover both clouds' sessions (``/ws/app/v1`` and eWeLink's
``/api/ws``); 1009 and 1011 are Gizwits codes, sent to Gizwits sessions only.

Every operation validates first and raises a 9xxx :class:`~emulator.gizwits.errors.ApiError`
(9015 bad input, 9999 no such session). Nothing here knows about HTTP.
"""

from __future__ import annotations

from typing import Any

from ..core.sessions import FrameRecord, Session
from ..gizwits.cloud.cloud import Cloud
from ..gizwits.errors import ApiError, form_invalid
from ..gizwits.ws import errors, protocol_for

#: What ``error`` can send: 1009 (the session ends, the socket stays open) or 1011 (then close).
SESSION_ERRORS = (errors.SESSION_CLOSED, errors.NO_HEARTBEAT)
#: WebSocket close codes a server may send (RFC 6455 §7.4, 1004-1006 being reserved).
CLOSE_CODES = ((1000, 1003), (1007, 1014), (3000, 4999))


def _targets(cloud: Cloud, session: str | None) -> list[Session]:
    if session is None:
        return list(cloud.sessions)
    if not isinstance(session, str):
        raise form_invalid("session must be a session id such as \"s1\"")
    found = cloud.sessions.get(session)
    if found is None or found.closed:
        raise ApiError(9999, f"no live WebSocket session {session!r}", status=404)
    return [found]


def _require_device(cloud: Cloud, did: str) -> None:
    """A device of either cloud (9014 when neither has it)."""
    with cloud.lock:
        if cloud.world.devices.owner(did) != "ewelink":
            cloud.devices.require(did)


def sessions(cloud: Cloud) -> list[dict[str, Any]]:
    """Live sessions of both clouds, oldest first: user, options, subscriptions, last heartbeat
    (each described by the protocol serving it; ``cloud`` says which)."""
    protocol_for(cloud)
    with cloud.lock:
        return [s.protocol.describe(s) for s in cloud.sessions if not s.closed and s.protocol is not None]


def close(cloud: Cloud, session: str | None = None, code: int = 1000) -> list[str]:
    """Close one session (or every one) with a WebSocket close ``code``; the ids closed."""
    if isinstance(code, bool) or not isinstance(code, int) or not any(low <= code <= high for low, high in CLOSE_CODES):
        raise form_invalid("code must be a WebSocket close code a server may send (1000-1003, 1007-1014, "
                           "3000-4999)")
    targets = _targets(cloud, session)
    for target in targets:
        cloud.sessions.close(target, code)
    return [t.id for t in targets]


def error(cloud: Cloud, code: int, session: str | None = None) -> list[str]:
    """Send 1009 (the session is logged out, the socket stays open) or 1011 (then the socket closes)."""
    if code not in SESSION_ERRORS or isinstance(code, bool):
        raise form_invalid(f"code must be one of {list(SESSION_ERRORS)}")
    protocol = protocol_for(cloud)
    targets = [t for t in _targets(cloud, session) if t.protocol is protocol]
    if session is not None and not targets:
        raise form_invalid(f"{session} is not a /ws/app/v1 session: 1009 and 1011 are Gizwits codes")
    for target in targets:
        if code == errors.SESSION_CLOSED:
            protocol.end_session(target)
        else:
            protocol.no_heartbeat(target)
    return [t.id for t in targets]


def silence(cloud: Cloud, did: str, silent: bool = True) -> None:
    """Reads and writes to ``did`` over the WebSocket get no answer (and writes are lost)."""
    if not isinstance(did, str) or not isinstance(silent, bool):
        raise form_invalid("silent takes a did (a string) and silent (true/false)")
    _require_device(cloud, did)
    cloud.sessions.faults.silence(did, silent)


def delay(cloud: Cloud, seconds: Any, did: str | None = None, session: str | None = None) -> dict[str, Any]:
    """Hold pushes (to one session, or about one device) ``seconds`` of real time before writing them."""
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= 600:
        raise form_invalid("delay must be 0..600 seconds")
    if did is not None:
        _require_device(cloud, did)
    if session is not None:
        _targets(cloud, session)
    added = cloud.sessions.faults.delay(float(seconds), topic=did, session=session)
    return {"seconds": added.seconds, "did": added.topic, "session": added.session}


def faults(cloud: Cloud) -> dict[str, Any]:
    return cloud.sessions.faults.describe()


def clear_faults(cloud: Cloud) -> None:
    cloud.sessions.faults.clear()


def frames(cloud: Cloud, *, cmd: str | None = None, did: str | None = None, session: str | None = None,
           direction: str | None = None, understood: bool | None = None) -> list[FrameRecord]:
    """Frames both ways, oldest first; ``cmd`` is a glob (``c2s_*``; ``*`` for every frame)."""
    if direction not in (None, "in", "out"):
        raise form_invalid("direction must be in or out")
    return cloud.sessions.frames.find(cmd=cmd, did=did, session=session, direction=direction,
                                      understood=understood)
