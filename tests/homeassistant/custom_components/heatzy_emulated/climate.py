"""One climate entity per heater: its preset is the device's mode; turning it off sends ``stop``
over the WebSocket, presets go over REST."""

from __future__ import annotations

from typing import ClassVar

from homeassistant.components.climate import ClimateEntity, ClimateEntityFeature, HVACMode
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import UnitOfTemperature
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from . import HeatzyCoordinator

PRESETS = {"cft": "comfort", "eco": "eco", "fro": "away"}
MODES = {preset: mode for mode, preset in PRESETS.items()}


async def async_setup_entry(hass: HomeAssistant, entry: ConfigEntry, add: AddEntitiesCallback) -> None:
    coordinator: HeatzyCoordinator = entry.runtime_data
    add(HeatzyClimate(coordinator, did) for did, device in coordinator.data.items()
        if device.get("attrs", {}).get("mode") in (*PRESETS, "stop"))


class HeatzyClimate(CoordinatorEntity[HeatzyCoordinator], ClimateEntity):
    _attr_has_entity_name = True
    _attr_name = None
    _attr_hvac_modes: ClassVar[list[HVACMode]] = [HVACMode.HEAT, HVACMode.OFF]
    _attr_preset_modes: ClassVar[list[str]] = list(MODES)
    _attr_supported_features = (ClimateEntityFeature.PRESET_MODE | ClimateEntityFeature.TURN_OFF
                                | ClimateEntityFeature.TURN_ON)
    _attr_temperature_unit = UnitOfTemperature.CELSIUS

    def __init__(self, coordinator: HeatzyCoordinator, did: str) -> None:
        super().__init__(coordinator)
        self.did = did
        self._attr_unique_id = did
        self._attr_device_info = {"identifiers": {("heatzy_emulated", did)},
                                  "name": coordinator.data[did].get("dev_alias") or did}

    @property
    def _mode(self) -> str:
        return str(self.coordinator.data[self.did]["attrs"].get("mode"))

    @property
    def hvac_mode(self) -> HVACMode:
        return HVACMode.OFF if self._mode == "stop" else HVACMode.HEAT

    @property
    def preset_mode(self) -> str | None:
        return PRESETS.get(self._mode)

    async def async_set_preset_mode(self, preset_mode: str) -> None:
        await self.coordinator.client.async_control_device(self.did, {"attrs": {"mode": MODES[preset_mode]}})

    async def async_set_hvac_mode(self, hvac_mode: HVACMode) -> None:
        mode = "stop" if hvac_mode == HVACMode.OFF else "cft"
        await self.coordinator.client.websocket.async_control_device(self.did, {"attrs": {"mode": mode}})

    async def async_turn_off(self) -> None:
        await self.async_set_hvac_mode(HVACMode.OFF)

    async def async_turn_on(self) -> None:
        await self.async_set_hvac_mode(HVACMode.HEAT)

