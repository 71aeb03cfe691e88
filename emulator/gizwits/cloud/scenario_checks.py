"""What a schema cannot know of the Gizwits part of a scenario: every problem, each with its place.

The product exists in the catalog, each attribute is a value the product's data point takes,
the time zone exists, ``bound_to`` names a user of the document, a user's ``app`` is known, and
no username, e-mail, phone, did or MAC is taken twice (within the document, or by the state a
``seed`` adds to). The shapes are the published schema's (:mod:`emulator.core.scenario_schema`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfoNotFoundError

from ...config import HEATZY_APP_ID
from ...core.localtime import zone
from ...core.scenario import Problem
from ..devices.datapoints import InvalidValue
from ..errors import ApiError

if TYPE_CHECKING:
    from ..devices.catalog import Product
    from .context import GizwitsContext as Cloud


def meaning_problems(cloud: Cloud, document: dict[str, Any]) -> list[Problem]:
    """Problems only the catalog, the time zone database and the current state can reveal.

    Defensive about shapes (the schema reports those): an item of the wrong type is skipped.
    """
    found: list[Problem] = []
    apps = {HEATZY_APP_ID, *cloud.config.apps, *(app.appid for app in cloud.apps)}
    apps.update(item["appid"] for item in _items(document, "apps") if isinstance(item.get("appid"), str))
    refs = _check_users(cloud, document, apps, found)
    _check_devices(cloud, document, refs, found)
    return found


def _items(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    values = document.get(key)
    return [item if isinstance(item, dict) else {} for item in values] if isinstance(values, list) else []


#: User fields no two users of one app may share.
_UNIQUE_USER_FIELDS = ("username", "email", "phone")


def _check_users(cloud: Cloud, document: dict[str, Any], apps: set[str], found: list[Problem]) -> set[str]:
    refs: set[str] = set()
    taken: set[tuple[str, str, str]] = set()
    for index, item in enumerate(_items(document, "users")):
        app = item.get("app", HEATZY_APP_ID)
        if isinstance(app, str) and app not in apps:
            found.append(Problem.at_path(["users", index, "app"],
                                 f"unknown app {app!r} (declare it under apps, or leave app out for the Heatzy app)"))
        ref = next((item[key] for key in ("ref", "email", "username") if isinstance(item.get(key), str)), None)
        if ref is not None:
            if ref in refs and isinstance(item.get("ref"), str):
                found.append(Problem.at_path(["users", index, "ref"], f"ref {ref!r} is used by an earlier user"))
            refs.add(ref)
        for key in _UNIQUE_USER_FIELDS:
            value = item.get(key)
            if not isinstance(value, str) or not isinstance(app, str):
                continue
            where = ["users", index, key]
            if (app, key, value) in taken:
                found.append(Problem.at_path(where, f"{key} {value!r} is given to an earlier user"))
            taken.add((app, key, value))
            try:
                cloud.users.check_available(app, **{key: value})
            except ApiError:
                found.append(Problem.at_path(where, f"{key} {value!r} is already registered"))
    return refs


def _check_devices(cloud: Cloud, document: dict[str, Any], refs: set[str], found: list[Problem]) -> None:
    dids: set[str] = set()
    macs: set[tuple[str, str]] = set()
    for index, item in enumerate(_items(document, "devices")):
        here = ["devices", index]
        product = _product(cloud, item.get("product"), here, found)
        attrs = item.get("attrs")
        if product is not None and isinstance(attrs, dict):
            for name, value in attrs.items():
                found.extend(_attr_problems(product, name, value, [*here, "attrs", name]))
        timezone = item.get("timezone")
        if isinstance(timezone, str) and timezone and not known_zone(timezone):
            found.append(Problem.at_path([*here, "timezone"],
                                 f"unknown time zone {timezone!r} (an IANA name, such as Europe/Paris)"))
        did = item.get("did")
        if isinstance(did, str):
            if did in dids:
                found.append(Problem.at_path([*here, "did"], f"did {did!r} is given to an earlier device"))
            elif cloud.devices.get(did) is not None:
                found.append(Problem.at_path([*here, "did"], f"did {did!r} already exists"))
            dids.add(did)
        mac = item.get("mac")
        if isinstance(mac, str) and product is not None:
            key = (product.product_key, mac.replace(":", "").replace("-", "").lower())
            if key in macs:
                found.append(Problem.at_path([*here, "mac"], f"mac {mac!r} is given to an earlier {product.name}"))
            elif cloud.devices.by_mac(*key) is not None:
                found.append(Problem.at_path([*here, "mac"], f"mac {mac!r} is already registered for {product.name}"))
            macs.add(key)
        bound_to = item.get("bound_to")
        for position, entry in enumerate(bound_to if isinstance(bound_to, list) else []):
            ref = entry if isinstance(entry, str) else entry.get("user") if isinstance(entry, dict) else None
            if isinstance(ref, str) and ref not in refs:
                where = [*here, "bound_to", position] + ([] if isinstance(entry, str) else ["user"])
                known = f" (users: {', '.join(sorted(refs))})" if refs else " (the document has no users)"
                found.append(Problem.at_path(where, f"no user with ref {ref!r}{known}"))


def _product(cloud: Cloud, name: Any, here: list[str | int], found: list[Problem]) -> Product | None:
    if not isinstance(name, str):
        return None
    try:
        return cloud.catalog.resolve(name)
    except KeyError:
        names = ", ".join(product.name for product in cloud.catalog)
        found.append(Problem.at_path([*here, "product"], f"unknown product {name!r} (products: {names})"))
        return None


def _attr_problems(product: Product, name: str, value: Any, where: list[str | int]) -> list[Problem]:
    if name not in product.datapoints:
        return [Problem.at_path(where, f"{product.name} has no data point {name!r}")]
    try:
        product.datapoints.validate_state({name: value})
    except InvalidValue as error:
        return [Problem.at_path(where, str(error).removeprefix(f"{name}: "))]
    return []


def known_zone(name: str) -> bool:
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # ValueError: not a zone key ("../x", "/abs")
        return False
    return True
