"""Message center routes: ``GET /app/messages`` and ``PUT /app/messages/{id}?status=``.

The list is the user's messages of the requested ``type`` (1, device sharing, the only
type documented), newest first, deleted ones left out, paged with ``meta``/``objects``.
Marking needs ``status`` 1 (read) or 2 (deleted); only the receiver may mark (9101).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.messages import DELETED, MESSAGE_TYPES, READ, UserMessage
from .http import Call, endpoint
from .paging import page_window, paged
from .render import utc_time
from .specs import INTEGER, NULLABLE_STRING, STRING, obj, operation, path, query, ref


def message_item(message: UserMessage) -> dict[str, Any]:
    return {"status": message.status, "created_at": utc_time(message.created_at),
            "updated_at": utc_time(message.updated_at), "content": message.content, "type": message.type,
            "id": message.id}


@endpoint(auth="user")
def list_messages(call: Call) -> Any:
    kind = call.query_choice("type", MESSAGE_TYPES)
    limit, skip = page_window(call)
    messages = [message_item(m) for m in call.cloud.messages.of(call.me.uid, kind)]
    return paged(messages, path="/app/messages", limit=limit, skip=skip, query={"type": kind})


@endpoint(auth="user")
def mark_message(call: Call) -> Any:
    status = call.query_choice("status", (READ, DELETED))
    call.cloud.messages.mark(call.me.uid, call.path("id"), status, call.now)
    return {}


ROUTES = [
    Route("/app/messages", list_messages, methods=["GET"]),
    Route("/app/messages/{id}", mark_message, methods=["PUT"]),
]

TAG = "Message Center"
PAGE_META = obj({"total": INTEGER, "limit": INTEGER, "skip": INTEGER, "previous": NULLABLE_STRING,
                 "next": NULLABLE_STRING}, required=("total", "limit", "skip", "previous", "next"))
SCHEMAS = {
    "PageMeta": PAGE_META,
    "Message": obj(
        {"id": STRING, "created_at": STRING, "updated_at": STRING, "type": INTEGER,
         "status": {"type": "integer", "enum": [0, 1, 2], "description": "0 unread, 1 read, 2 deleted"},
         "content": STRING},
        required=("id", "created_at", "updated_at", "type", "status", "content"),
    ),
    "MessageList": obj({"meta": ref("PageMeta"), "objects": {"type": "array", "items": ref("Message")}},
                       required=("meta", "objects")),
}
_TYPE = {"type": "integer", "enum": list(MESSAGE_TYPES)}
SPEC = {
    "/app/messages": {
        "get": operation(
            "The user's messages", tag=TAG,
            parameters=[query("type", _TYPE, "1: device sharing messages", required=True),
                        query("limit", {"type": "integer", "minimum": 1, "default": 20}, "page size"),
                        query("skip", {"type": "integer", "minimum": 0, "default": 0}, "messages to skip")],
            response=ref("MessageList"), errors=(9015,),
        ),
    },
    "/app/messages/{id}": {
        "put": operation(
            "Mark a message read or deleted (its receiver only)", tag=TAG,
            parameters=[path("id", "message id"),
                        query("status", {"type": "integer", "enum": [READ, DELETED]}, "1 read, 2 deleted",
                              required=True)],
            response=obj({}), errors=(9015, 9085, 9098, 9101),
        ),
    },
}
