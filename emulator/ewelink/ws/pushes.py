"""What the cloud pushes on ``/api/ws``, built from the one change feed.

Every change of an eWeLink device — an app's write (HTTP or WebSocket), a press on the
device, a timer, an inching pulse ending, the thermostat's auto control, a reading on the
clock — reaches every live session of the accounts it concerns
(:meth:`~emulator.ewelink.cloud.cloud.EwelinkCloud.audience`: the owner and the accounts the
device is shared with), in feed order:

- values that changed: a device ``update`` with them (``userAgent``/``from`` "device"),
  except to the session whose own ``update`` caused them (it gets its answer instead), and
  except while the device is offline (it cannot report; back online it reports what differs);
- the device going offline or coming back: ``sysmsg`` with ``params.online``.

The device's first report when it joins the cloud is not pushed. Frames are built once per
change and shared by every session that gets them; the pusher runs where the change is
published (under the world's lock, in whatever thread), the registry hands the frames to
each session's own loop.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from ...core.changes import Change
from ...core.sessions import Session, SessionRegistry
from ..cloud.operations import JOINED
from . import messages
from .state import owner_key

if TYPE_CHECKING:
    from ..cloud.cloud import EwelinkCloud


class Pusher:
    def __init__(self, cloud: EwelinkCloud) -> None:
        self.cloud = cloud
        self.sessions: SessionRegistry = cloud.world.sessions
        #: The session whose ``update`` is being handled (it gets an answer, not the push).
        self.origin: Session | None = None
        #: Logged-in sessions: with none, a change costs one comparison.
        self.audience_sessions = 0
        self._feed: Any = None
        self._nonces = itertools.count(1)

    def attach(self, cloud: EwelinkCloud) -> None:
        """Follow the world's current feed (after a reset it is a new object)."""
        feed = cloud.world.feed
        if self._feed is not feed:
            self._feed = feed
            feed.subscribe(self.changed)

    def nonce(self) -> str:
        """Eight alphanumerics (L2035), from a counter: deterministic."""
        return f"{next(self._nonces):08x}"

    def changed(self, change: Change) -> None:
        if not self.audience_sessions or change.source == JOINED:
            return
        kind = change.kind
        if kind == "attrs" and not change.attrs:
            return
        audience = self.cloud.audience(change.did)
        if not audience:
            return  # not an eWeLink device, or one nobody added
        origin = self.origin
        sessions = [s for apikey in audience for s in self.sessions.owned_by(owner_key(apikey)) if s is not origin]
        if not sessions:
            return
        device = self.cloud.devices.get(change.did)
        if device is None:
            return
        owner = audience[0]
        if kind == "attrs":
            if not device.online:
                return
            out = messages.device_update(change.did, owner, change.attrs)
        elif kind in ("online", "offline"):
            out = messages.sysmsg(change.did, owner, kind == "online", int(change.at), self.nonce())
        else:
            return
        self.sessions.deliver((session, out) for session in sessions)
