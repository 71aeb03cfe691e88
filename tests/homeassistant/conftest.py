"""The Home Assistant test run: pytest-homeassistant-custom-component's fixtures (``hass``, its
socket blocking, its clean-up checks) and the emulator's own plugin (``gizwits_server``,
``heatzy_account``), both loaded by their entry points; the component under test is found in
``custom_components/`` beside this file."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Home Assistant loads custom components in tests only when asked to."""


@pytest.fixture(autouse=True)
def tls_closes_finish_before_the_clean_up_check(verify_cleanup: None,
                                                event_loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    """A TLS connection closed at the end of a test (the WebSocket, the session's keep-alive ones)
    waits for the emulator's close_notify with a 30 s timer. On a loaded machine that answer can come
    after the test, and Home Assistant's clean-up check (``verify_cleanup``, torn down after this)
    counts the timer as lingering. The closes get up to 5 s to finish; one still open then fails
    the check as before."""
    yield

    def closing() -> bool:
        return any(getattr(handle._callback, "__name__", "") == "_check_shutdown_timeout" and not handle.cancelled()
                   for handle in event_loop._scheduled)  # type: ignore[attr-defined]

    async def closed() -> None:
        deadline = event_loop.time() + 5
        while closing() and event_loop.time() < deadline:
            await asyncio.sleep(0.05)

    if not event_loop.is_closed():
        event_loop.run_until_complete(closed())
