"""A minimal Heatzy integration, the emulator's Home Assistant test subject: heatzypy through Home
Assistant's shared aiohttp session (``async_get_clientsession``), a coordinator filled over REST
and kept current by the WebSocket push, one climate entity per heater."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from heatzypy import HeatzyClient, HeatzyException
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, Platform
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed

DOMAIN = "heatzy_emulated"
PLATFORMS = [Platform.CLIMATE]
LOGGER = logging.getLogger(__name__)


class HeatzyCoordinator(DataUpdateCoordinator[dict[str, dict[str, Any]]]):
    """The account's devices by did: read once over REST, then pushed over the WebSocket."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        super().__init__(hass, LOGGER, config_entry=entry, name=DOMAIN, update_interval=None)
        self.client = HeatzyClient(entry.data[CONF_USERNAME], entry.data[CONF_PASSWORD],
                                   session=async_get_clientsession(hass))

    async def _async_update_data(self) -> dict[str, dict[str, Any]]:
        try:
            return await self.client.async_get_devices()
        except HeatzyException as error:
            raise UpdateFailed(str(error)) from error

    async def async_start_push(self, entry: ConfigEntry) -> None:
        websocket = self.client.websocket
        websocket.register_callback(self._pushed)
        await websocket.async_connect()
        entry.async_create_background_task(self.hass, self._listen(), "heatzy_emulated websocket")

    async def _listen(self) -> None:
        with contextlib.suppress(HeatzyException):
            await self.client.websocket.async_listen()

    @callback
    def _pushed(self, device: dict[str, Any]) -> None:
        devices = dict(self.data)
        if device.get("did") in devices:
            devices[device["did"]] = {**devices[device["did"]], "attrs": dict(device["attrs"])}
            self.async_set_updated_data(devices)

    async def async_stop_push(self) -> None:
        websocket = self.client.websocket
        await websocket.async_disconnect()
        # heatzypy starts its heartbeat with a bare asyncio.create_task and keeps no handle on it:
        # end it here, or it would outlive the entry by up to its 30 s sleep.
        for task in asyncio.all_tasks():
            coroutine = task.get_coro()
            frame = getattr(coroutine, "cr_frame", None)
            if getattr(coroutine, "__qualname__", "") == "Websocket._async_heartbeat" and frame is not None \
                    and frame.f_locals.get("self") is websocket:
                task.cancel()


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    coordinator = HeatzyCoordinator(hass, entry)
    await coordinator.async_config_entry_first_refresh()
    await coordinator.async_start_push(entry)
    entry.runtime_data = coordinator
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ConfigEntry) -> bool:
    unloaded = await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
    await entry.runtime_data.async_stop_push()
    return unloaded
