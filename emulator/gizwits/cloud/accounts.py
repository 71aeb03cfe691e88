"""Ready-made accounts for tests: a user with the given products registered and bound.

Used by the admin API (``POST /_emulator/accounts``), the Python handle
(``Emulator.account``) and the pytest fixture ``heatzy_account``. Whatever is not given
(e-mail, password, MACs, dids) comes from the seeded generator, so the same calls on
the same seed give the same account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ...config import HEATZY_APP_ID
from ...core.persist import as_row
from ..devices.datapoints import InvalidValue
from ..errors import ApiError, form_invalid

if TYPE_CHECKING:
    from .context import GizwitsContext


class AccountDevice(Struct, frozen=True):
    did: str
    product: str
    product_key: str
    mac: str
    passcode: str
    alias: str


class Account(Struct, frozen=True):
    email: str
    password: str
    uid: str
    appid: str
    token: str
    devices: list[AccountDevice] = field(default_factory=list)

    def did(self, product: str) -> str:
        """The did of the first bound device of ``product`` (a name like ``Pilote2`` or a product key)."""
        for device in self.devices:
            if product in (device.product, device.product_key):
                return device.did
        raise KeyError(f"no {product!r} device in this account")

    @property
    def dids(self) -> list[str]:
        return [d.did for d in self.devices]

    def as_dict(self) -> dict[str, Any]:
        return as_row(self)


def create_account(cloud: GizwitsContext, products: list[str | dict[str, Any]] | tuple[str, ...] = (), *,
                   email: str | None = None, password: str | None = None,
                   appid: str = HEATZY_APP_ID) -> Account:
    """A new user with one bound device per item of ``products``.

    An item is a product name or key, or ``{"product": ..., "alias": ..., "attrs": {...},
    "online": bool}``. Everything is checked before anything is created.
    """
    with cloud.lock:
        cloud.apps.require(appid)
        plan = [_device_plan(cloud, item) for item in products]
        if email is None:
            email = f"user{cloud.ids.digits(6)}@heatzy.test"
        # Seeded like the rest of the account (the same calls give the same account): a test
        # account's password is no secret, the admin API answers it.
        password = password if password is not None else cloud.ids.passcode().lower()
        cloud.users.check_available(appid, email=email)
        now = cloud.now()
        # The answer carries the password: it is no secret, so it is hashed at the public cost.
        user = cloud.users.create(appid, now, email=email, password=password, public_password=True)
        devices = []
        for number, (product, alias, attrs, online) in enumerate(plan, start=1):
            device = cloud.register_device(product, attrs=attrs, online=online)
            alias = alias or f"{product.name} {number}"
            cloud.bind(user, device, dev_alias=alias)
            devices.append(AccountDevice(device.did, product.name, product.product_key, device.mac,
                                         device.passcode, alias))
        token = cloud.users.issue_token(user, now)
        return Account(email, password, user.uid, appid, token.token, devices)


def _device_plan(cloud: GizwitsContext, item: str | dict[str, Any]) -> tuple[Any, str, dict[str, Any], bool]:
    spec = {"product": item} if isinstance(item, str) else item
    if not isinstance(spec, dict) or not isinstance(spec.get("product"), str):
        raise form_invalid('a device is a product name or key, or {"product": ..., "alias": ..., "attrs": {...}}')
    try:
        product = cloud.catalog.resolve(spec["product"])
    except KeyError:
        raise ApiError(9002, f"unknown product {spec['product']!r}") from None
    attrs = spec.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise form_invalid("attrs must be an object")
    try:
        product.datapoints.validate_state(attrs)
    except InvalidValue as error:
        raise ApiError(9025, str(error)) from None
    alias = spec.get("alias") or ""
    online = spec.get("online", True)
    if not isinstance(alias, str) or not isinstance(online, bool):
        raise form_invalid("alias must be a string and online a boolean")
    return product, alias, attrs, online
