"""A device's guests, for its owner: ``GET /app/{did}/bindings`` and ``DELETE /app/{did}/bindings?uid=``.

Only the owner may call them (9093). The list shows the guests only, never the owner,
with username, e-mail and phone masked and ``created_at`` the time the guest was bound
(accepted the share). Removing a guest unbinds it and posts a message to both.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud.sharing import flow as sharing_flow
from .http import Call, endpoint
from .openapi import NULLABLE_STRING, STRING, UTC_Z, array, json_response, obj, operation, path_param, query_param, ref
from .render import utc_time


@endpoint(auth="user")
def list_guests(call: Call) -> Any:
    items = []
    for binding in sharing_flow.guests(call.cloud, call.me, call.path("did")):
        user = call.cloud.users.get(binding.uid)
        if user is None:
            continue
        masked = user.masked()
        items.append({"username": masked["username"], "phone": masked["phone"],
                      "created_at": utc_time(binding.created_at), "uid": user.uid, "email": masked["email"]})
    return items


@endpoint(auth="user")
def remove_guest(call: Call) -> Any:
    uid = call.query_required("uid", "the guest to unbind")
    sharing_flow.remove_guest(call.cloud, call.me, call.path("did"), uid)
    return {}


ROUTES = [
    Route("/app/{did}/bindings", list_guests, methods=["GET"]),
    Route("/app/{did}/bindings", remove_guest, methods=["DELETE"]),
]

# -- OpenAPI ----------------------------------------------------------------------------------
_TAGS = ["sharing"]
_DID = path_param("did", "device id")
SCHEMAS = {
    "Guest": obj(
        {"username": NULLABLE_STRING, "phone": NULLABLE_STRING, "created_at": {**UTC_Z, "description": "when bound"},
         "uid": STRING, "email": NULLABLE_STRING},
        ("username", "phone", "created_at", "uid", "email"),
        description="username, phone and email masked, as the cloud shows them to other users",
    ),
}
SPEC = {
    "/app/{did}/bindings": {
        "get": operation(
            "list_guests", "The guests of a device (its owner only)", tags=_TAGS, errors=(9014, 9017, 9093),
            parameters=[_DID], responses={200: json_response(array(ref("Guest")))},
        ),
        "delete": operation(
            "remove_guest", "Unbind a guest (the owner only)", tags=_TAGS, errors=(9014, 9017, 9082, 9093, 9095),
            parameters=[_DID, query_param("uid", "the guest's uid, not your own", {"type": "string", "minLength": 1},
                                          required=True)],
            responses={200: json_response(ref("Empty"), "unbound")},
        ),
    },
}
