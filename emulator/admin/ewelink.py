"""What the test control plane does to the eWeLink cloud, whoever asks (admin API or Python
handle): its devices and accounts, and the physical world of its devices (press, connection,
environment). Nothing here knows about HTTP; errors are the admin API's (9xxx) like the rest.
"""

from __future__ import annotations

from typing import Any

from ..core.world import World
from ..ewelink.cloud.accounts import EwelinkAccount, create_account
from ..ewelink.cloud.cloud import EwelinkCloud
from ..ewelink.devices import EwelinkDevice, ParamError
from ..ewelink.errors import EwelinkError
from ..gizwits.errors import ApiError, form_invalid
from .environment import check_environment


def cloud_of(world: World) -> EwelinkCloud:
    cloud = world.part(EwelinkCloud.name)
    if cloud is None:
        raise form_invalid("this emulator serves no eWeLink cloud")
    return cloud  # type: ignore[no-any-return]


def owns(world: World, did: str) -> bool:
    return world.devices.owner(did) == EwelinkCloud.name


def _refused(error: EwelinkError) -> ApiError:
    return form_invalid(f"eWeLink error {error.code}: {error.msg}")


def device_summary(cloud: EwelinkCloud, device: EwelinkDevice) -> dict[str, Any]:
    thing = cloud.things.get(device.did)
    return {
        "cloud": "ewelink", "deviceid": device.did, "uiid": device.uiid, "product_model": device.family.product_model,
        "name": thing.name if thing else "", "owner": thing.owner if thing else None,
        "shared_with": [s["apikey"] for s in thing.shares] if thing else [], "online": device.online,
        "mac": device.mac, "chipid": device.chipid, "devicekey": device.devicekey,
    }


def devices(world: World) -> list[dict[str, Any]]:
    cloud = cloud_of(world)
    with world.lock:
        return [device_summary(cloud, d) for d in cloud.devices]


def device_state(world: World, did: str) -> dict[str, Any]:
    cloud = cloud_of(world)
    with world.lock:
        now = world.sync()
        device = cloud.observe(cloud.device(did), now)
        return {**device_summary(cloud, device), "state": device.dump(), "reported": device.read(now),
                "environment": dict(device.environment),
                "pending_events": [e.as_dict() for e in world.events.pending()
                                   if e.data.get("deviceid") == did or e.data.get("did") == did],
                "history": len(world.history.of(did)), "operations": len(cloud.operations.read(did, 2**62, 10**9))}


def accounts(world: World) -> list[dict[str, Any]]:
    cloud = cloud_of(world)
    with world.lock:
        return [{**a.profile(), "region": a.region, "password": a.password,
                 "homes": [h.body() for h in cloud.homes.homes_of(a.apikey)], "currentFamilyId": a.current_family,
                 "devices": [t.deviceid for t in cloud.things.owned_by(a.apikey)],
                 "shared_with_me": [t.deviceid for t in cloud.things.shared_with(a.apikey)],
                 "tokens": [{"at": t.at, "rt": t.rt, "appid": t.appid, "at_expires": t.at_expires}
                            for t in cloud.accounts.tokens_of(a.apikey)]}
                for a in cloud.accounts]


def account(world: World, devices: list[Any], **options: Any) -> EwelinkAccount:
    try:
        return create_account(cloud_of(world), devices, **options)
    except EwelinkError as error:
        raise _refused(error) from None


def press(world: World, did: str, params: dict[str, Any]) -> dict[str, Any]:
    cloud = cloud_of(world)
    with world.lock:
        world.sync()
        try:
            return cloud.press(cloud.device(did), params)
        except (EwelinkError, ParamError) as error:
            raise form_invalid(str(error)) from None


def set_online(world: World, did: str, online: bool) -> None:
    cloud = cloud_of(world)
    with world.lock:
        world.sync()
        cloud.set_online(cloud.device(did), online)


def set_environment(world: World, did: str, values: dict[str, Any]) -> dict[str, Any]:
    cloud = cloud_of(world)
    device = cloud.device(did)
    check_environment(values, device.family.environment_keys, f"the environment of a UIID {device.uiid} device")
    with world.lock:
        world.sync()
        return cloud.set_environment(device, values)
