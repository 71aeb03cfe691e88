"""The message center: messages the cloud posts to a user (``/app/messages``).

Sharing events post messages of type 1 (device sharing, the only type the docs define)
to the owner and the guest. A message is unread (0), read (1) or deleted (2); deleted
messages no longer list. Only the receiver may mark a message (9101).

The wording is the emulator's own, in the receiver's language (``zh-cn`` or English),
after the one real example: "您给 188****888 共享了设备 微信宠物屋!". The other user is
shown masked (:meth:`~.users.User.shown_as`) and the device by its product name, as in
that example.
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct

from ....core.ids import IdFactory
from ....core.persist import KeyedRecords, Touched, from_rows, rows
from ...errors import ApiError

SHARING_MESSAGE = 1
MESSAGE_TYPES = (SHARING_MESSAGE,)
UNREAD, READ, DELETED = 0, 1, 2

#: (kind) -> (English, Chinese); ``{other}`` is the other user, ``{device}`` the product name.
TEXTS: dict[str, tuple[str, str]] = {
    "share_sent": ("You shared the device {device} with {other}.", "您给 {other} 共享了设备 {device}!"),
    "share_received": ("{other} shared the device {device} with you.", "{other} 给您共享了设备 {device}!"),
    "share_accepted": ("{other} accepted the device {device} you shared.", "{other} 接受了您共享的设备 {device}!"),
    "share_joined": ("You accepted the device {device} shared by {other}.", "您接受了 {other} 共享的设备 {device}!"),
    "share_refused": ("{other} refused the device {device} you shared.", "{other} 拒绝了您共享的设备 {device}!"),
    "share_cancelled": ("You cancelled sharing the device {device} with {other}.",
                        "您取消了给 {other} 共享的设备 {device}!"),
    "share_revoked": ("You took back the device {device} shared with {other}.",
                      "您收回了共享给 {other} 的设备 {device}!"),
    "share_lost": ("{other} took back the shared device {device}.", "{other} 收回了共享给您的设备 {device}!"),
    "share_ended": ("Sharing the device {device} with {other} has ended.", "您共享给 {other} 的设备 {device} 已到期!"),
    "access_ended": ("Your access to the device {device} shared by {other} has ended.",
                     "{other} 共享给您的设备 {device} 已到期!"),
    "ownership_given": ("You transferred the device {device} to {other}.", "您将设备 {device} 转移给了 {other}!"),
    "ownership_received": ("{other} transferred the device {device} to you.", "{other} 将设备 {device} 转移给了您!"),
}


def compose(kind: str, lang: str | None, *, other: str, device: str) -> str:
    english, chinese = TEXTS[kind]
    template = chinese if (lang or "").lower().startswith("zh") else english
    return template.format(other=other, device=device)


class UserMessage(Struct):
    id: str
    uid: str
    type: int
    content: str
    created_at: float
    updated_at: float
    status: int = UNREAD
    #: What happened (a key of :data:`TEXTS`) and the sharing record it is about.
    kind: str = ""
    sharing_id: int | None = None


class MessageStore(KeyedRecords):
    """Users' messages by id; a record store (:mod:`emulator.core.persist`)."""

    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self._messages: dict[str, UserMessage] = {}
        self.touched = Touched()

    def __iter__(self):  # type: ignore[no-untyped-def]
        self.touched.touch_all(self._messages)
        return iter(self._messages.values())

    def post(self, uid: str, content: str, now: float, *, kind: str = "", sharing_id: int | None = None,
             type: int = SHARING_MESSAGE) -> UserMessage:
        message = UserMessage(self._ids.object_id(), uid, type, content, now, now, kind=kind, sharing_id=sharing_id)
        self._messages[message.id] = message
        self.touched.touch(message.id)
        return message

    def of(self, uid: str, type: int) -> list[UserMessage]:
        """The user's messages of ``type`` that are not deleted, newest (then last posted) first."""
        found = [(m.created_at, order, m) for order, m in enumerate(self._messages.values())
                 if m.uid == uid and m.type == type and m.status != DELETED]
        self.touched.touch_all(m.id for _, _, m in found)
        return [m for _, _, m in sorted(found, key=lambda item: item[:2], reverse=True)]

    def mark(self, uid: str, message_id: str, status: int, now: float) -> UserMessage:
        """Mark read (1) or deleted (2): 9085 unknown, 9101 not the receiver, 9098 already deleted."""
        message = self._messages.get(message_id)
        if message is None:
            raise ApiError(9085, f"no message {message_id!r}")
        self.touched.touch(message_id)
        if message.uid != uid:
            raise ApiError(9101)
        if message.status == DELETED:
            raise ApiError(9098, f"message {message_id!r} is deleted")
        message.status = status
        message.updated_at = now
        return message

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._messages.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        self._messages = {m.id: m for m in from_rows(UserMessage, data)}
        self.touched.reload()

    def record_map(self) -> dict[str, UserMessage]:
        return self._messages
