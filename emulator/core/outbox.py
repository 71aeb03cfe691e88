"""What the cloud "sent": e-mails and SMS are recorded here instead of leaving the machine.

A record store (:mod:`emulator.core.persist`): messages are only ever added (or all
cleared), one record each, keyed by their place in the outbox.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import Struct, field

from .persist import Touched, as_row


class Message(Struct, frozen=True):
    kind: str  # "mail" or "sms"
    to: str
    subject: str
    body: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return as_row(self)


class Outbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.touched = Touched()

    def send(self, message: Message) -> Message:
        self.messages.append(message)
        self.touched.touch(len(self.messages) - 1)
        return message

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m.to == address]

    def dump(self) -> list[dict[str, Any]]:
        return [m.as_dict() for m in self.messages]

    def load(self, data: list[dict[str, Any]]) -> None:
        self.messages = [Message(**item) for item in data]
        self.touched.reload()

    def clear(self) -> None:
        self.messages.clear()
        self.touched.reload()

    def records(self) -> Iterator[tuple[str, Any]]:
        return ((str(index), message.as_dict()) for index, message in enumerate(self.messages))

    def changed_records(self) -> dict[str, Any] | None:
        keys = self.touched.take()
        if keys is None:
            return None
        messages = self.messages
        return {str(i): messages[i].as_dict() if i < len(messages) else None for i in keys}  # type: ignore[operator]

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        self.load([row for _, row in sorted(records, key=lambda item: int(item[0]))])
