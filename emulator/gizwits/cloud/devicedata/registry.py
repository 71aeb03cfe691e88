"""Every device the cloud knows, by did and by (product_key, mac).

A record store (:mod:`emulator.core.persist`): a device handed out (``get``, ``require``,
``by_mac``, iterating) may be changed by whoever holds it, so it counts as touched. In a
state file a device's ``attrs`` are the list of its values in the order of its product's
data points (when it holds exactly those): decoding a list is several times cheaper than
decoding the object, which is most of a restart with a large fleet.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ....core.ids import IdFactory
from ....core.persist import Touched, changed_rows
from ....core.randomness import DrawnRandom
from ...devices import FAMILIES, Device
from ...devices.catalog import Catalog, Product
from ...errors import ApiError


def normalize_mac(mac: str) -> str:
    return mac.replace(":", "").replace("-", "").strip().lower()


class DeviceRegistry:
    def __init__(self, ids: IdFactory, catalog: Catalog) -> None:
        self._ids = ids
        self._catalog = catalog
        self._devices: dict[str, Device] = {}
        self._by_mac: dict[tuple[str, str], str] = {}
        #: Seeded randomness for device initial state (temperatures, ...).
        self.rng = DrawnRandom(ids.seed)
        self.touched = Touched()

    def __iter__(self) -> Iterator[Device]:
        self.touched.touch_all(self._devices)
        return iter(self._devices.values())

    def __len__(self) -> int:
        return len(self._devices)

    def peek(self) -> Iterator[Device]:
        """Every device, to read only: not counted as touched (whoever changes one must get it with
        :meth:`get` or by iterating). For listings of a large fleet: the next commit stays small."""
        return iter(list(self._devices.values()))

    def get(self, did: str) -> Device | None:
        device = self._devices.get(did)
        if device is not None and self.touched.keys is not None:
            self.touched.keys[did] = None
        return device

    def require(self, did: str) -> Device:
        device = self.get(did)
        if device is None:
            raise ApiError(9014, f"no device with did {did!r}")
        return device

    def by_mac(self, product_key: str, mac: str) -> Device | None:
        did = self._by_mac.get((product_key, normalize_mac(mac)))
        return self.get(did) if did else None

    def create(self, product: Product, now: float, *, did: str | None = None, mac: str | None = None,
               passcode: str | None = None, online: bool = True, attrs: dict[str, Any] | None = None,
               timezone: str | None = None, meta: dict[str, Any] | None = None) -> Device:
        mac = normalize_mac(mac) if mac else self._ids.mac()
        did = did or self._ids.did()
        if did in self._devices:
            raise ValueError(f"did {did!r} already exists")
        if (product.product_key, mac) in self._by_mac:
            raise ValueError(f"mac {mac!r} already registered for {product.name}")
        family = FAMILIES[product.family]
        state = family.initial_state(product, self.rng)
        if attrs:
            state.update(product.datapoints.validate_state(attrs))
        device = Device(
            did=did, product=product, family=family, mac=mac, passcode=passcode or self._ids.passcode(),
            attrs=state, created_at=now, online=online, updated_at=now, state_changed_at=now,
            meta=dict(meta or {}),
        )
        if timezone:
            device.timezone = timezone
        family.setup(device, now, self.rng)
        self._devices[did] = device
        self._by_mac[(product.product_key, mac)] = did
        self.touched.touch(did)
        return device

    # -- saving ------------------------------------------------------------------------------------
    def _row(self, device: Device) -> dict[str, Any]:
        row = device.dump()
        if self._by_mac.get((device.product_key, device.mac)) != device.did:
            row["mac_released"] = True  # its MAC went to a newer registration (see release_mac)
        return row

    def dump(self) -> list[dict[str, Any]]:
        return [self._row(device) for device in self._devices.values()]

    def load(self, data: list[dict[str, Any]]) -> None:
        self._load([dict(item) for item in data])

    def _load(self, rows: list[dict[str, Any]]) -> None:
        """Replace the devices with ``rows`` (which this takes apart)."""
        devices: dict[str, Device] = {}
        by_mac: dict[tuple[str, str], str] = {}
        for item in rows:
            product_key = item.pop("product_key")
            product = self._catalog.get(product_key)
            if product is None:
                raise ValueError(f"unknown product_key {product_key!r} in snapshot")
            released = item.pop("mac_released", False)
            attrs = item.get("attrs")
            if isinstance(attrs, list):  # a state file's compact form (see _record)
                item["attrs"] = dict(zip(product.datapoints.by_name, attrs, strict=True))
            device = Device(product=product, family=FAMILIES[product.family], **item)
            devices[device.did] = device
            if not released:
                by_mac[(product.product_key, device.mac)] = device.did
        self._devices, self._by_mac = devices, by_mac
        self.touched.reload()

    def _record(self, device: Device) -> dict[str, Any]:
        row = self._row(device)
        names = device.product.datapoints.by_name
        if len(row["attrs"]) == len(names) and all(a == b for a, b in zip(row["attrs"], names, strict=True)):
            row["attrs"] = list(row["attrs"].values())
        return row

    def records(self) -> Iterator[tuple[str, Any]]:
        return ((did, self._record(device)) for did, device in self._devices.items())

    def changed_records(self) -> dict[str, Any] | None:
        return changed_rows(self.touched, self._devices, self._record)

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        self._load([row for _, row in records])  # rows decoded for this: taken apart in place

    # -- leaving -----------------------------------------------------------------------------------
    def remove(self, did: str) -> Device | None:
        device = self._devices.pop(did, None)
        if device is not None and self._by_mac.get((device.product_key, device.mac)) == did:
            del self._by_mac[(device.product_key, device.mac)]
        self.touched.touch(did)
        return device

    def release_mac(self, product_key: str, mac: str) -> None:
        """Let the next registration of this MAC take it (a reset device registers anew and gets a
        new did); the device registered before stays known by its did until it is deregistered."""
        did = self._by_mac.pop((product_key, normalize_mac(mac)), None)
        if did is not None:
            self.touched.touch(did)
