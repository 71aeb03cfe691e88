"""Loading a scenario (a fixture document) into the cloud: apps, users, devices, bindings.

A scenario is JSON data (see ``fixtures/README.md``): ``demo`` and ``empty`` ship in
``fixtures/``; any other name is looked up there, and a path to a ``.json`` file works
too. Identifiers a scenario leaves out (did, MAC, passcode) come from the seeded
generator, so the same seed gives the same demo every time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...config import HEATZY_APP_ID
from ...core.scenario import Fixture, ScenarioError, checked_document, scenario_document
from .identity.apps import App
from .sharing.bindings import ROLES

if TYPE_CHECKING:
    from .context import GizwitsContext

#: The Heatzy application is always known. Its secret is the emulator's own.
HEATZY_APP = App(HEATZY_APP_ID, "b4d1f6c9e0a24c8e9f3b7a5d2c1e0f98", "Heatzy")


__all__ = ["HEATZY_APP", "ScenarioError", "bound_user", "load_scenario", "scenario_document"]


def load_scenario(cloud: GizwitsContext, name_or_path: Fixture) -> dict[str, Any]:
    """Load the Gizwits part of a scenario (apps, users, devices); return the whole document."""
    document = checked_document(name_or_path)
    now = cloud.now()
    cloud.apps.add(HEATZY_APP)
    for appid, secret in cloud.config.apps.items():
        cloud.apps.add(App(appid, secret))
    for item in document.get("apps", []):
        cloud.apps.add(App(item["appid"], item["secret"], item.get("name", "")))

    users_by_ref = {}
    for item in document.get("users", []):
        fields = {k: v for k, v in item.items() if k not in ("ref", "app")}
        # A fixture's passwords are written in the clear in its file: hashed at the public cost.
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
            if ref not in users_by_ref:
                raise ScenarioError(f"device {item.get('alias')!r} is bound to unknown user {ref!r}")
            cloud.bindings.bind(users_by_ref[ref].uid, device.did, now, dev_alias=item.get("alias", ""),
                                remark=item.get("remark", ""), role=role)
    return document


def bound_user(entry: str | dict[str, Any]) -> tuple[str, str | None]:
    """A ``bound_to`` item: a user ref (role by the binding rules) or ``{"user": ref, "role": ...}``."""
    if isinstance(entry, str):
        return entry, None
    role = entry.get("role")
    if role is not None and role not in ROLES:
        raise ScenarioError(f"binding role {role!r} is not one of {', '.join(ROLES)}")
    return entry["user"], role
