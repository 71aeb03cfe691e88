"""The message center route (seed 004 L1866-1902): messages of a home, newest first.

The seed's "Response data parameter: None" after describing ``messageList`` (L1901) is a
slip: the answer is ``{"messageList": [...]}``.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from .http import Call, endpoint
from .openapi import INTEGER, OBJECT, STRING, array, obj, operation, query


def read_messages(call: Call, familyid: str | None, before_ms: int, num: int) -> list[dict[str, Any]]:
    home = call.cloud.home_of(call.me, familyid)
    return [n.body() for n in call.cloud.notices.read(call.me.apikey, home.id, before_ms, num)]


@endpoint(auth="token")
def read(call: Call) -> Any:
    before = call.query_int("from", call.now_ms + 1, minimum=0)
    num = call.query_int("num", 30, minimum=1, maximum=30)
    assert before is not None and num is not None
    return {"messageList": read_messages(call, call.query_str("familyid") or None, before, num)}


ROUTES = [Route("/v2/message/read", read, methods=["GET"])]

MESSAGE = obj({"msgid": STRING, "msgType": STRING, "message": OBJECT, "date": INTEGER},
              ("msgid", "msgType", "message", "date"))
SPEC: dict[str, Any] = {
    "/v2/message/read": {"get": operation(
        "readMessages", "Messages of a home, newest first", tags=["message"], lines="1866-1902", errors=(405,),
        data=obj({"messageList": array(MESSAGE)}, ("messageList",)),
        parameters=[query("familyid", STRING), query("from", {"type": "integer", "minimum": 0}, "ms"),
                    query("num", {"type": "integer", "minimum": 1, "maximum": 30})])},
}
