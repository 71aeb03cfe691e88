"""Passwords written in a scenario are no secret: hashed at the public cost, so loading a fixture is fast.

At the full cost the demo's two users made every cold start and fixture load 240 ms slower
(emulator/core/passwords.py). A password a user chooses through the API keeps the full cost.
"""

from __future__ import annotations

from emulator.config import HEATZY_APP_ID
from emulator.core import passwords
from emulator.testing import Emulator


def cost_of(stored: str | None) -> passwords.Cost:
    assert stored is not None
    log_n, r, p = (int(part) for part in stored.split("$")[1:4])
    return log_n, r, p


def test_demo_users_are_hashed_at_the_public_cost_and_still_log_in() -> None:
    emulator = Emulator("demo")
    demo = next(user for user in emulator.cloud.users if user.email == "demo@heatzy.test")
    assert cost_of(demo.password_hash) == passwords.PUBLIC_COST
    with emulator.cloud.lock:
        assert emulator.cloud.users.authenticate_password(HEATZY_APP_ID, "demo@heatzy.test", "heatzy-demo")
    assert not passwords.verify(demo.password_hash, "not-the-password")


def test_a_password_chosen_through_the_api_keeps_the_full_cost() -> None:
    emulator = Emulator("empty")
    with emulator.cloud.lock:
        user = emulator.cloud.users.create(HEATZY_APP_ID, emulator.cloud.now(), email="new@heatzy.test",
                                           password="chosen-password")
    assert cost_of(user.password_hash) == passwords.USER_COST
