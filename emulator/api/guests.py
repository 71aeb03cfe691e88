"""A device's guests, for its owner: ``GET /app/{did}/bindings`` and ``DELETE /app/{did}/bindings?uid=``.

Only the owner may call them (9093). The list shows the guests only, never the owner,
with username, e-mail and phone masked and ``created_at`` the time the guest was bound
(accepted the share). Removing a guest unbinds it and posts a message to both.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ..cloud import sharing_flow
from .http import Call, endpoint
from .render import utc_time
from .specs import NULLABLE_STRING, STRING, obj, operation, path, query, ref


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

TAG = "Binding Management"
SCHEMAS = {
    "BindingUser": obj(
        {"username": NULLABLE_STRING, "phone": NULLABLE_STRING, "created_at": STRING, "uid": STRING,
         "email": NULLABLE_STRING},
        required=("username", "phone", "created_at", "uid", "email"),
    ),
}
SPEC = {
    "/app/{did}/bindings": {
        "get": operation(
            "The guests of a device (owner only)", tag=TAG, parameters=[path("did", "device id")],
            response={"type": "array", "items": ref("BindingUser")}, errors=(9014, 9017, 9093),
        ),
        "delete": operation(
            "Unbind a guest (owner only)", tag=TAG,
            parameters=[path("did", "device id"), query("uid", STRING, "the guest's uid, not your own", required=True)],
            response=obj({}), errors=(9014, 9015, 9017, 9082, 9093, 9095),
        ),
    },
}
