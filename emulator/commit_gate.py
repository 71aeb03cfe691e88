"""Saving before answering: no HTTP answer leaves before what changed is in the state file.

An ASGI middleware, outermost: when the app starts an answer, the cloud's durable state
commits first (``cloud.durable.commit()``, nothing to do in memory), so a client that got
its answer — a 2xx above all — finds its write there after a crash, ``kill -9``
included. Should the file refuse the write (disk full, ...), the answer becomes a 500
with error 9008 saying so: nothing is acknowledged that is not saved.

WebSocket frames do not pass here: a WebSocket handler calls ``cloud.durable.commit()``
itself before it answers a write.
"""

from __future__ import annotations

import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .core.durable import NoDurableState, StateWriteError
from .gizwits.errors import error_body

log = logging.getLogger("emulator")


class CommitBeforeAnswer:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        durable = scope["app"].world.durable
        if isinstance(durable, NoDurableState):
            # In memory there is nothing to commit: the answer goes out as it is (saves a wrapper
            # around every message of every request). The durable state is looked up per request,
            # so a state file attached later is committed to from its first answer on.
            await self.app(scope, receive, send)
            return
        refused = False

        async def committed(message: Message) -> None:
            nonlocal refused
            if refused:
                return  # the rest of an answer replaced by the error below
            if message["type"] == "http.response.start":
                try:
                    durable.commit()
                except StateWriteError as error:
                    log.error("%s", error)
                    refused = True
                    content = json.dumps(error_body(9008, str(error))).encode()
                    await send({"type": "http.response.start", "status": 500, "headers": [
                        (b"content-type", b"application/json"), (b"content-length", str(len(content)).encode())]})
                    await send({"type": "http.response.body", "body": content})
                    return
            await send(message)

        await self.app(scope, receive, committed)
