"""What the cloud "sent": e-mails and SMS are recorded here instead of leaving the machine."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Message:
    kind: str  # "mail" or "sms"
    to: str
    subject: str
    body: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Outbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    def send(self, message: Message) -> Message:
        self.messages.append(message)
        return message

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m.to == address]

    def dump(self) -> list[dict[str, Any]]:
        return [m.as_dict() for m in self.messages]

    def load(self, data: list[dict[str, Any]]) -> None:
        self.messages = [Message(**item) for item in data]

    def clear(self) -> None:
        self.messages.clear()
