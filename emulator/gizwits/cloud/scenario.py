"""Loading the Gizwits part of a scenario (a fixture document) into the cloud: apps, users, devices,
bindings.

A scenario is JSON data (format: ``fixtures/scenario.schema.json``, described in
``fixtures/README.md``); finding and reading one is the core's (:mod:`emulator.core.scenario`).
Identifiers a scenario leaves out (did, MAC, passcode) come from the seeded generator, so the same
seed gives the same demo every time.

A document is checked whole before anything of it is created (the schema, then
:mod:`.scenario_checks`): a bad one raises :class:`ScenarioError` listing every problem, and
nothing is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...config import HEATZY_APP_ID
from ...core.scenario import Fixture, Problem, ScenarioError, checked, read_scenario, scenario_document
from ..devices.datapoints import InvalidValue
from ..errors import ApiError
from .identity.apps import App

if TYPE_CHECKING:
    from .context import GizwitsContext

__all__ = ["HEATZY_APP", "Problem", "ScenarioError", "add_scenario", "bound_user", "load_scenario",
           "scenario_document"]

#: The Heatzy application is always known. Its secret is the emulator's own.
HEATZY_APP = App(HEATZY_APP_ID, "b4d1f6c9e0a24c8e9f3b7a5d2c1e0f98", "Heatzy")


def load_scenario(cloud: GizwitsContext, name_or_path: Fixture) -> dict[str, Any]:
    """Check a scenario (the schema, then :mod:`.scenario_checks`), then add its Gizwits part to
    ``cloud``; :class:`ScenarioError` listing every problem, and nothing added, when it cannot load."""
    from .scenario_checks import meaning_problems

    scenario = read_scenario(name_or_path)
    document = scenario.document
    return add_scenario(cloud, checked(scenario, [meaning_problems(cloud, document)] if isinstance(document, dict)
                                       else []))


def add_scenario(cloud: GizwitsContext, document: dict[str, Any]) -> dict[str, Any]:
    """Add the Gizwits part of a checked ``document`` (apps, users, devices, bindings) to ``cloud``."""
    try:
        _load(cloud, document)
    except (ApiError, InvalidValue, KeyError, TypeError, ValueError) as error:  # a check the checks lack
        raise ScenarioError.at([], f"cannot load it: {error}") from None
    return document


def _load(cloud: GizwitsContext, document: dict[str, Any]) -> None:
    now = cloud.now()
    cloud.apps.add(HEATZY_APP)
    for appid, secret in cloud.config.apps.items():
        cloud.apps.add(App(appid, secret))
    for item in document.get("apps", []):
        cloud.apps.add(App(item["appid"], item["secret"], item.get("name", "")))

    users_by_ref = {}
    for item in document.get("users", []):
        fields = {k: v for k, v in item.items() if k not in ("ref", "app")}
        # Fixture passwords are no secret: hashed at the public cost (see emulator/core/passwords.py; at the
        # full cost the two demo users added 240 ms to every cold start and fixture load).
        user = cloud.users.create(item.get("app", HEATZY_APP_ID), now, public_password=True, **fields)
        users_by_ref[item.get("ref") or item.get("email") or item.get("username")] = user

    for item in document.get("devices", []):
        product = cloud.catalog.resolve(item["product"])
        device = cloud.register_device(
            product, did=item.get("did"), mac=item.get("mac"), passcode=item.get("passcode"),
            online=item.get("online", True), attrs=item.get("attrs"), timezone=item.get("timezone"),
            meta=item.get("meta"),
        )
        for entry in item.get("bound_to", []):
            ref, role = bound_user(entry)
            cloud.bindings.bind(users_by_ref[ref].uid, device.did, now, dev_alias=item.get("alias", ""),
                                remark=item.get("remark", ""), role=role)


def bound_user(entry: str | dict[str, Any]) -> tuple[str, str | None]:
    """A ``bound_to`` item: a user ref (role by the binding rules) or ``{"user": ref, "role": ...}``."""
    if isinstance(entry, str):
        return entry, None
    return entry["user"], entry.get("role")

