"""Admin route for the event stream (``GET /_emulator/events``): see :mod:`emulator.admin.stream`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from ...gizwits import cards
from ..stream import Stream, Streams, events, watch_of
from .spec import operation

MEDIA_TYPE = "text/event-stream"


def open_streams(request: Request) -> Streams:
    """The app's open streams (its server ends them when it stops; see ``emulator/server.py``)."""
    state = request.app.state
    streams = getattr(state, "event_streams", None)
    if streams is None:
        streams = state.event_streams = Streams()
        state.on_stopping = [*getattr(state, "on_stopping", ()), streams.close_all]
    return streams


async def event_stream(request: Request) -> StreamingResponse:
    watch = watch_of(request.app.cloud, cards.roster)
    stream = Stream(asyncio.get_running_loop())
    streams = open_streams(request)

    async def body() -> AsyncIterator[bytes]:
        streams.add(stream)
        try:
            async for chunk in events(watch, stream):
                yield chunk
        finally:
            streams.discard(stream)

    # No caching, no proxy buffering: each event must reach the browser when it is sent.
    return StreamingResponse(body(), media_type=MEDIA_TYPE,
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


ROUTES = [Route("/events", event_stream, methods=["GET"])]

_EVENTS = ("hello (the clock, first), change (one change on the change feed: did, at, kind, attrs, source, uid, "
           "appid), journal (one journaled request), clock (the clock was set), faults (the rules changed), devices "
           "(devices or their bindings changed), reset (the state was replaced: read everything again), overflow "
           "(too many changes at once: read every device again)")
SPEC: dict[str, dict[str, Any]] = {
    "/events": {"get": operation(
        "What changes, as it happens (server-sent events)",
        f"A text/event-stream that stays open; each event's data is JSON. Events: {_EVENTS}. Changes from "
        "anywhere (a client's call, a button press, a program slot, the clock) arrive within a second; while a "
        "stream is open the emulator runs due events at their time. Send the admin token as a header (read it "
        "with fetch; EventSource cannot send headers).",
        responses={"200": {"description": "The stream", "content": {MEDIA_TYPE: {"schema": {"type": "string"}}}}})},
}
