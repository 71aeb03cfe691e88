"""A custom component's tests under pytest-homeassistant-custom-component, against the emulator with
no extra fixture: the plugin's ``gizwits_server`` redirects the real host names, Home Assistant's
own certifi-based SSL context trusts the test authority, and its socket blocking is lifted for
the emulator (connections stay limited to 127.0.0.1, where it listens). heatzypy runs unmodified
through ``async_get_clientsession(hass)``: https://euapi.gizwits.com and
wss://eusandbox.gizwits.com:8880."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

import pytest
from custom_components.heatzy_emulated import DOMAIN
from homeassistant.components.climate import DOMAIN as CLIMATE
from homeassistant.components.climate import HVACMode
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.core import HomeAssistant, State
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import entity_registry
from homeassistant.util import ssl as ssl_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

pytestmark = pytest.mark.gizwits(fixture="empty")


async def wait_for(hass: HomeAssistant, entity_id: str, check: Callable[[State], bool], timeout: float = 10) -> State:
    async with asyncio.timeout(timeout):
        while True:
            state = hass.states.get(entity_id)
            if state is not None and check(state):
                return state
            await asyncio.sleep(0.02)


async def test_the_config_flow_logs_in_through_home_assistants_session(hass: HomeAssistant, gizwits_server: Any,
                                                                       heatzy_account: Any) -> None:
    account = heatzy_account("Pilote2")
    flow = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert flow["type"] is FlowResultType.FORM

    wrong = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_USERNAME: account.email,
                                                                             CONF_PASSWORD: "not it"})
    assert wrong["type"] is FlowResultType.FORM and wrong["errors"] == {"base": "invalid_auth"}

    gizwits_server.faults.add(path="/app/login", drop=True, times=1)
    dropped = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_USERNAME: account.email,
                                                                               CONF_PASSWORD: account.password})
    assert dropped["errors"] == {"base": "cannot_connect"}

    created = await hass.config_entries.flow.async_configure(flow["flow_id"], {CONF_USERNAME: account.email,
                                                                               CONF_PASSWORD: account.password})
    assert created["type"] is FlowResultType.CREATE_ENTRY and created["title"] == account.email
    logins = gizwits_server.journal(method="POST", path="/app/login")
    assert logins[0].status == 400 and logins[-1].status == 200  # then the entry's own logins (REST, WebSocket)
    assert {e.headers["host"] for e in logins} == {"euapi.gizwits.com"}
    entry = hass.config_entries.async_entries(DOMAIN)[0]
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(entry.entry_id)


async def test_the_climate_entity_follows_the_heater_over_rest_and_the_websocket(
        hass: HomeAssistant, gizwits_server: Any, heatzy_account: Any) -> None:
    account = heatzy_account("Pilote2")
    did = account.did("Pilote2")
    entry = MockConfigEntry(domain=DOMAIN, data={CONF_USERNAME: account.email, CONF_PASSWORD: account.password})
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    entity_id = entity_registry.async_get(hass).async_get_entity_id(CLIMATE, DOMAIN, did)
    assert entity_id is not None
    initial = gizwits_server.device(did).attrs["mode"]
    assert hass.states.get(entity_id).attributes["preset_mode"] == {"cft": "comfort", "eco": "eco",
                                                                    "fro": "away"}[initial]

    # Home Assistant -> REST control -> the device -> the WebSocket push -> the entity.
    await hass.services.async_call(CLIMATE, "set_preset_mode", {"entity_id": entity_id, "preset_mode": "away"},
                                   blocking=True)
    assert gizwits_server.device(did).attrs["mode"] == "fro"
    await wait_for(hass, entity_id, lambda s: s.attributes["preset_mode"] == "away")

    # Someone presses the heater's button: only the push can tell Home Assistant.
    gizwits_server.device(did).press(mode="eco")
    await wait_for(hass, entity_id, lambda s: s.attributes["preset_mode"] == "eco")

    # Turning it off goes over the WebSocket (c2s_write).
    await hass.services.async_call(CLIMATE, "set_hvac_mode", {"entity_id": entity_id, "hvac_mode": HVACMode.OFF},
                                   blocking=True)
    await wait_for(hass, entity_id, lambda s: s.state == HVACMode.OFF)
    assert gizwits_server.device(did).attrs["mode"] == "stop"
    writes = gizwits_server.frames(direction="in", cmd="c2s_write")
    assert [f.frame["data"]["attrs"] for f in writes] == [{"mode": "stop"}]
    assert {e.headers["host"] for e in gizwits_server.journal(path="/ws/app/v1")} == {"eusandbox.gizwits.com:8880"}

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()


async def test_home_assistants_own_context_is_the_one_that_verified(hass: HomeAssistant, gizwits_server: Any) -> None:
    """The session's connector uses Home Assistant's certifi-based context; the emulator's
    authority is in it only because the redirection put it there when it was used for a Gizwits host."""
    from homeassistant.helpers.aiohttp_client import async_get_clientsession

    session = async_get_clientsession(hass)
    async with session.get("https://usapi.gizwits.com/status") as answer:
        assert answer.status == 200
    context = session.connector._ssl  # the connector's own: Home Assistant's client context
    assert context is ssl_util.client_context()
    issuers = [dict(item[0] for item in cert["subject"]) for cert in context.get_ca_certs()]
    assert [i for i in issuers if i.get("organizationName") == "gizwits-emulator test authority"]


def test_socket_blocking_is_back_outside_the_emulators_tests() -> None:
    import pytest_socket

    with pytest.raises(pytest_socket.SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)
