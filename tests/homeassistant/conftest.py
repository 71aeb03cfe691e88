"""The Home Assistant test run: pytest-homeassistant-custom-component's fixtures (``hass``, its
socket blocking, its clean-up checks) and the emulator's own plugin (``gizwits_server``,
``heatzy_account``), both loaded by their entry points; the component under test is found in
``custom_components/`` beside this file."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Home Assistant loads custom components in tests only when asked to."""
