"""Every device the cloud knows, by did and by (product_key, mac).

A record store (:mod:`emulator.core.persist`): a device handed out (``get``, ``require``,
``by_mac``, iterating) may be changed by whoever holds it, so it counts as touched. In a
state file a device's ``attrs`` are the list of its values in the order of its product's
data points (when it holds exactly those): decoding a list is several times cheaper than
decoding the object, which is most of a restart with a large fleet.

Devices loaded from a state file are *built on first use*: until a device is asked for, the
registry keeps its row (checked when it is loaded: a known product, known fields, as many
values as the product has data points) where the device will be. Building the 100,000
devices of a large fleet (their value dicts most of all) was a third of a restart, for
devices most of which nobody asks for before they next wake. Asking for every device
(iterating, ``peek``) builds them all.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import structs

from ....core.device import UNFILED
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
        #: did -> the device, or the row it will be built from (see _built).
        self._devices: dict[str, Device | dict[str, Any]] = {}
        self._by_mac: dict[tuple[str, str], str] = {}
        #: Seeded randomness for device initial state (temperatures, ...).
        self.rng = DrawnRandom(ids.seed)
        self.touched = Touched()

    def __iter__(self) -> Iterator[Device]:
        self.touched.touch_all(self._devices)
        return iter(self._every())

    def __len__(self) -> int:
        return len(self._devices)

    def __contains__(self, did: object) -> bool:
        """Whether ``did`` is a known device (it is neither built nor counted as touched)."""
        return did in self._devices

    def among(self, words: Iterable[str]) -> tuple[str, ...]:
        """The known dids among ``words`` (a request path's segments), in their order; as
        :meth:`__contains__`, nothing is built or touched."""
        # One C-level pass (a Python-level __contains__ per path segment took 2.3 us a request, this 1.6).
        return tuple(filter(self._devices.__contains__, words))

    def peek(self) -> Iterator[Device]:
        """Every device, to read only: not counted as touched (whoever changes one must get it with
        :meth:`get` or by iterating). For listings of a large fleet: the next commit stays small."""
        return iter(self._every())

    def oldest(self, count: int) -> list[Device]:
        """The ``count`` devices created first, to read only (building only those)."""
        found = heapq.nsmallest(count, self._devices.items(), key=lambda item: _created_at(item[1]))
        return [self._built(did, device) for did, device in found]

    def filed(self) -> Iterator[tuple[str, Any, Device | None]]:
        """``(did, wake, device)`` for every device: its :attr:`~emulator.core.device.Device.wake` and
        the device, None for one not built yet whose wake its row holds (the simulation files it
        again without building it)."""
        for did, device in self._devices.items():
            if isinstance(device, dict):
                wake = device.get("wake", UNFILED)
                if wake != UNFILED:
                    yield did, _wake(wake), None
                    continue
                device = self._built(did, device)
            yield did, device.wake, device

    def get(self, did: str) -> Device | None:
        device = self._devices.get(did)
        if device is None:
            return None
        if self.touched.keys is not None:
            self.touched.keys[did] = None
        return self._built(did, device) if isinstance(device, dict) else device

    def _built(self, did: str, device: Device | dict[str, Any]) -> Device:
        """The device ``did``, built from its row if it was not yet (it takes the row's place)."""
        if not isinstance(device, dict):
            return device
        product = self._catalog.get(device.pop("product_key"))
        assert product is not None  # checked when loaded
        device.pop("mac_released", None)
        wake = device.pop("wake", UNFILED)
        attrs = device["attrs"]
        if isinstance(attrs, list):  # a state file's compact form (see _record)
            device["attrs"] = dict(zip(product.datapoints.by_name, attrs, strict=True))
        built = self._devices[did] = Device(product=product, family=FAMILIES[product.family], **device)
        built.wake = _wake(wake)
        return built

    def _every(self) -> list[Device]:
        """Every device, built."""
        return [self._built(did, device) for did, device in list(self._devices.items())]

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
        return [self._row(device) for device in self._every()]

    def load(self, data: list[dict[str, Any]]) -> None:
        self._load([dict(item) for item in data])
        self._every()  # a snapshot's devices are built now: a wrong one is refused with the snapshot

    def _load(self, rows: list[dict[str, Any]]) -> None:
        """Replace the devices with ``rows`` (kept, to be built on first use), checked first."""
        devices: dict[str, Device | dict[str, Any]] = {}
        by_mac: dict[tuple[str, str], str] = {}
        for item in rows:
            product_key = item.get("product_key")
            product = self._catalog.get(product_key)  # type: ignore[arg-type]
            if product is None:
                raise ValueError(f"unknown product_key {product_key!r} in snapshot")
            if not _ROW_FIELDS.issuperset(item) or not _REQUIRED_FIELDS.issubset(item):
                raise ValueError(f"device row with fields {sorted(item)}")
            attrs = item["attrs"]
            if isinstance(attrs, list) and len(attrs) != len(product.datapoints.by_name):
                raise ValueError(f"device {item['did']!r} has {len(attrs)} values for {product.name}")
            if not isinstance(attrs, (list, dict)):
                raise ValueError(f"device {item['did']!r} has attrs {attrs!r}")
            devices[item["did"]] = item
            if not item.get("mac_released", False):
                by_mac[(product.product_key, item["mac"])] = item["did"]
        self._devices, self._by_mac = devices, by_mac
        self.touched.reload()

    def _record(self, device: Device) -> dict[str, Any]:
        row = self._row(device)
        if device.wake != UNFILED:
            row["wake"] = device.wake  # what the simulation filed (see Device.wake)
        # The keys compared as one list (in C): a name-by-name loop was a fifth of writing a whole fleet.
        if list(row["attrs"]) == device.product.datapoints.names:
            row["attrs"] = list(row["attrs"].values())
        return row

    def records(self) -> Iterator[tuple[str, Any]]:
        return ((device.did, self._record(device)) for device in self._every())

    def changed_records(self) -> dict[str, Any] | None:
        # Only devices handed out are touched, and handing one out builds it.
        return changed_rows(self.touched, self._devices, self._record)  # type: ignore[arg-type]

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        self._load([row for _, row in records])  # rows decoded for this: taken apart in place

    # -- leaving -----------------------------------------------------------------------------------
    def remove(self, did: str) -> Device | None:
        device = self.get(did)
        self._devices.pop(did, None)
        if device is not None and self._by_mac.get((device.product_key, device.mac)) == did:
            del self._by_mac[(device.product_key, device.mac)]
        self.touched.touch(did)
        return device

    def release_mac(self, product_key: str, mac: str) -> None:
        """Let the next registration of this MAC take it (a reset device registers anew and gets a
        new did); the device registered before stays known by its did until it is deregistered."""
        did = self._by_mac.pop((product_key, normalize_mac(mac)), None)
        if did is not None:
            self.get(did)  # touched (and built: only built devices are saved)


def _wake(saved: Any) -> Any:
    """A row's ``wake`` as the simulation files it: JSON made its ``(instant, cause)`` a list."""
    return tuple(saved) if isinstance(saved, list) else saved


def _created_at(device: Device | dict[str, Any]) -> float:
    return device["created_at"] if isinstance(device, dict) else device.created_at


#: The device's fields a row gives as they are (its product and family come from ``product_key``; its
#: cache is never saved); the fields of a row (those, and what ``_row`` / ``_record`` add), and those it
#: must have (the fields without a default).
_GIVEN = {f.name: f for f in structs.fields(Device) if f.name not in ("product", "family", "cache")}
_ROW_FIELDS = frozenset(_GIVEN) | {"product_key", "mac_released"}
_REQUIRED_FIELDS = frozenset(name for name, f in _GIVEN.items()
                             if f.required) \
    | {"product_key"}
