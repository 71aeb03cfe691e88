"""The event queue: due order, keyed events that replace each other, snapshots."""

from __future__ import annotations

from typing import Any

from emulator.core.events import EventQueue


def recorder(queue: EventQueue, kind: str = "k") -> list[tuple[float, Any]]:
    ran: list[tuple[float, Any]] = []
    queue.handle(kind, lambda data, due: ran.append((due, data.get("n"))))
    return ran


def test_events_run_in_due_order_then_scheduling_order() -> None:
    queue = EventQueue()
    ran = recorder(queue)
    for due, n in ((5, "a"), (1, "b"), (5, "c"), (3, "d")):
        queue.schedule(due, "k", {"n": n})
    assert queue.run_until(4) == 2
    assert queue.run_until(10) == 2
    assert ran == [(1, "b"), (3, "d"), (5, "a"), (5, "c")]


def test_a_keyed_event_replaces_the_pending_one_with_the_same_key() -> None:
    queue = EventQueue()
    ran = recorder(queue)
    queue.schedule(10, "k", {"n": "first"}, key="x")
    queue.schedule(20, "k", {"n": "second"}, key="x")
    queue.schedule(15, "k", {"n": "other"}, key="y")
    pending = queue.keyed("x")
    assert len(queue) == 2 and pending is not None and pending.due == 20
    queue.run_until(100)
    assert ran == [(15, "other"), (20, "second")]
    assert queue.keyed("x") is None


def test_cancel_key_and_cancel_where() -> None:
    queue = EventQueue()
    ran = recorder(queue)
    queue.schedule(1, "k", {"n": 1}, key="a")
    queue.schedule(2, "k", {"n": 2})
    queue.schedule(3, "k", {"n": 3})
    assert queue.cancel_key("a") and not queue.cancel_key("a")
    assert queue.cancel_where("k", n=3) == 1
    queue.run_until(10)
    assert ran == [(2, 2)]


def test_events_scheduled_by_a_handler_run_in_the_same_drain_when_due() -> None:
    queue = EventQueue()
    seen: list[float] = []

    def chain(data: dict[str, Any], due: float) -> None:
        seen.append(due)
        if due < 3:
            queue.schedule(due + 1, "chain", key="c")

    queue.handle("chain", chain)
    queue.schedule(1, "chain", key="c")
    queue.run_until(10)
    assert seen == [1, 2, 3]


def test_a_snapshot_keeps_keys() -> None:
    queue = EventQueue()
    queue.schedule(5, "k", {"n": 1}, key="x")
    queue.schedule(6, "k", {"n": 2})
    copy = EventQueue()
    ran = recorder(copy)
    copy.load(queue.dump())
    copy.schedule(7, "k", {"n": 3}, key="x")  # replaces the restored keyed event
    copy.run_until(10)
    assert ran == [(6, 2), (7, 3)]
