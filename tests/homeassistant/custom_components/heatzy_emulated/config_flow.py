"""The config flow: an account's e-mail and password, checked by logging in and listing bindings."""

from __future__ import annotations

from typing import Any

import voluptuous as vol
from heatzypy import AuthenticationFailed, HeatzyClient, HeatzyException
from homeassistant.config_entries import ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from . import DOMAIN

SCHEMA = vol.Schema({vol.Required(CONF_USERNAME): str, vol.Required(CONF_PASSWORD): str})


class HeatzyConfigFlow(ConfigFlow, domain=DOMAIN):
    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        errors: dict[str, str] = {}
        if user_input is not None:
            client = HeatzyClient(user_input[CONF_USERNAME], user_input[CONF_PASSWORD],
                                  session=async_get_clientsession(self.hass))
            try:
                await client.async_bindings()
            except AuthenticationFailed:
                errors["base"] = "invalid_auth"
            except HeatzyException:
                errors["base"] = "cannot_connect"
            else:
                await self.async_set_unique_id(user_input[CONF_USERNAME].lower())
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=user_input[CONF_USERNAME], data=user_input)
        return self.async_show_form(step_id="user", data_schema=SCHEMA, errors=errors)
