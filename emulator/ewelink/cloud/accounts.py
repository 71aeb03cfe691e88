"""Ready-made eWeLink accounts for tests: an account with devices of the given UIIDs, logged in.

Used by the admin API (``POST /_emulator/ewelink/accounts``), the Python handle
(``emu.ewelink.account``) and the pytest fixture ``ewelink_account``. What is not given
(e-mail, password, deviceids) comes from the seeded generator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ...core.persist import as_row
from ..devices import FAMILIES
from ..errors import EwelinkError, bad_params
from ..regions import REGIONS

if TYPE_CHECKING:
    from .cloud import EwelinkCloud


class EwelinkAccountDevice(Struct, frozen=True):
    deviceid: str
    uiid: int
    name: str


class EwelinkAccount(Struct, frozen=True):
    email: str
    password: str
    apikey: str
    region: str
    appid: str
    app_secret: str
    at: str
    rt: str
    devices: list[EwelinkAccountDevice] = field(default_factory=list)

    def deviceid(self, uiid: int) -> str:
        """The deviceid of the first device of ``uiid``."""
        for device in self.devices:
            if device.uiid == uiid:
                return device.deviceid
        raise KeyError(f"no UIID {uiid} device in this account")

    @property
    def deviceids(self) -> list[str]:
        return [d.deviceid for d in self.devices]

    def as_dict(self) -> dict[str, Any]:
        return as_row(self)


def create_account(cloud: EwelinkCloud, devices: list[int | dict[str, Any]] | tuple[Any, ...] = (), *,
                   email: str | None = None, password: str | None = None, region: str = "eu",
                   appid: str | None = None) -> EwelinkAccount:
    """A new account with one device per item of ``devices`` (a UIID, or ``{"uiid", "name",
    "params", "online"}``), logged in to ``appid`` (default: the first app of the scenario)."""
    with cloud.lock:
        if region not in REGIONS:
            raise bad_params(f"region must be one of {', '.join(REGIONS)}")
        app = cloud.apps.get(appid) if appid else next(iter(cloud.apps), None)
        if app is None:
            raise EwelinkError(407, f"no eWeLink app {appid!r}" if appid else "the scenario has no eWeLink app")
        plans = [_plan(item) for item in devices]
        email = (email or f"user{cloud.ids.digits(6)}@ewelink.test").lower()
        password = password or cloud.ids.token()[:12]
        if cloud.accounts.find(email=email) is not None:
            raise EwelinkError(10009)
        account = cloud.create_account(region=region, password=password, email=email, country_code="+33")
        made = []
        for number, (uiid, name, params, online) in enumerate(plans, start=1):
            device = cloud.add_device(account, uiid, name=name or f"{FAMILIES[uiid].product_model} {number}",
                                      params=params, online=online, sort=2)
            thing = cloud.things.get(device.did)
            made.append(EwelinkAccountDevice(device.did, uiid, thing.name if thing else name))
        token = cloud.accounts.issue(account, app.appid, cloud.now())
        return EwelinkAccount(email, password, account.apikey, region, app.appid, app.secret, token.at, token.rt, made)


def _plan(item: int | dict[str, Any]) -> tuple[int, str, dict[str, Any] | None, bool]:
    spec = {"uiid": item} if isinstance(item, int) and not isinstance(item, bool) else item
    if not isinstance(spec, dict) or spec.get("uiid") not in FAMILIES:
        raise bad_params(f"a device is a UIID of {sorted(FAMILIES)}, or {{\"uiid\": ..., \"name\": ..., "
                         f"\"params\": {{...}}}}")
    params = spec.get("params")
    if params is not None and not isinstance(params, dict):
        raise bad_params("params must be an object")
    name, online = spec.get("name") or "", spec.get("online", True)
    if not isinstance(name, str) or not isinstance(online, bool):
        raise bad_params("name must be a string and online a boolean")
    family = FAMILIES[spec["uiid"]]
    if params:
        from ..devices import ParamError

        try:
            family.validate(params, by_app=False)
        except ParamError as error:
            raise bad_params(str(error)) from None
    return spec["uiid"], name, params, online
