"""Message center routes: ``GET /app/messages`` and ``PUT /app/messages/{id}?status=``.

The list is the user's messages of the requested ``type`` (1, device sharing, the only
type documented), newest first, deleted ones left out, paged with ``meta``/``objects``.
Marking needs ``status`` 1 (read) or 2 (deleted); only the receiver may mark (9101).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.sharing.messages import DELETED, MESSAGE_TYPES, READ, UNREAD, UserMessage
from .http import Call, endpoint
from .openapi import (
    INTEGER,
    NULLABLE_STRING,
    STRING,
    UTC_Z,
    array,
    json_response,
    obj,
    operation,
    paging_params,
    path_param,
    query_param,
    ref,
)
from .paging import page_window, paged
from .render import utc_time


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

# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["messages"]
SCHEMAS = {
    "PageMeta": obj({"total": INTEGER, "limit": INTEGER, "skip": INTEGER, "previous": NULLABLE_STRING,
                     "next": NULLABLE_STRING}, ("total", "limit", "skip", "previous", "next"),
                    description="previous / next: the path and query of the neighbouring page, null at either end"),
    "Message": obj(
        {"id": STRING, "created_at": UTC_Z, "updated_at": UTC_Z,
         "type": {"type": "integer", "enum": list(MESSAGE_TYPES)},
         "status": {"type": "integer", "enum": [UNREAD, READ, DELETED], "description": "0 unread, 1 read, 2 deleted"},
         "content": STRING},
        ("id", "created_at", "updated_at", "type", "status", "content"),
    ),
    "MessageList": obj({"meta": ref("PageMeta"), "objects": array(ref("Message"))}, ("meta", "objects")),
}
SPEC = {
    "/app/messages": {
        "get": operation(
            "list_messages", "The user's messages, newest first (deleted ones left out)", tags=_TAGS,
            parameters=[query_param("type", "1: device sharing messages",
                                    {"type": "integer", "enum": list(MESSAGE_TYPES)}, required=True),
                        *paging_params(min_limit=1)],
            responses={200: json_response(ref("MessageList"))},
        ),
    },
    "/app/messages/{id}": {
        "put": operation(
            "mark_message", "Mark a message read or deleted (its receiver only)", tags=_TAGS,
            errors=(9085, 9098, 9101),
            parameters=[path_param("id", "message id"),
                        query_param("status", "1 read, 2 deleted", {"type": "integer", "enum": [READ, DELETED]},
                                    required=True)],
            responses={200: json_response(ref("Empty"), "marked")},
        ),
    },
}
