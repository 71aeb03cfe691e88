"""Which users are bound to which devices, with what role, alias, remark and labels.

Roles follow the newer Gizwits doc (seed 001, "角色场景说明"):

- on a device nobody has bound, the binder is ``special``; later binders are ``normal``;
- unbinding the ``special`` user makes the earliest remaining ``normal`` user ``special``;
- on a product with device sharing enabled, a share turns the sharer (``special``) into
  the ``owner`` and every ``normal`` user into a ``guest``, whether or not the share is
  accepted; a user who accepts a share becomes a ``guest``;
- on such a product, binding a device nobody has bound with ``set_owner=1`` makes the
  binder ``owner`` at once; while a device has an owner nobody else can bind it (9092);
- unbinding the ``owner`` removes every guest too; a device has one owner at most.

``set_owner`` is the one reading of the docs that fits them all: its own description
says 0 (the default) does not make the binder owner, and the real Heatzy captures show
``special`` on products that the emulator treats as sharing-enabled.

A record store (:mod:`emulator.core.persist`): bindings handed out count as touched. Bindings
are indexed by user and by device: listing a user's or a device's bindings does not scan them
all (a world of 100,000 bindings answered a login's device list in milliseconds otherwise).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from msgspec import Struct, field

from ....core.persist import KeyedRecords, Touched, from_rows, rows
from ...errors import ApiError

SPECIAL, OWNER, GUEST, NORMAL = "special", "owner", "guest", "normal"
ROLES = (SPECIAL, OWNER, GUEST, NORMAL)
#: Roles that may share a device (the ``special`` user becomes ``owner`` by sharing).
SHARERS = (SPECIAL, OWNER)


class Binding(Struct):
    uid: str
    did: str
    role: str
    created_at: float
    dev_alias: str = ""
    remark: str = ""
    dev_label: list[str] = field(default_factory=list)


#: Told ``(uid, did, bound)`` when a binding appears or goes (push channels watch this).
Watcher = Callable[[str, str, bool], None]


class BindingStore(KeyedRecords):
    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], Binding] = {}
        #: uid -> its dids, did -> its uids (dicts for their order: the order the bindings were made).
        self._by_user: dict[str, dict[str, None]] = {}
        self._by_device: dict[str, dict[str, None]] = {}
        self.watchers: list[Watcher] = []
        self.touched = Touched()

    def _add(self, binding: Binding) -> None:
        self._by_key[(binding.uid, binding.did)] = binding
        self._by_user.setdefault(binding.uid, {})[binding.did] = None
        self._by_device.setdefault(binding.did, {})[binding.uid] = None

    def _remove(self, uid: str, did: str) -> Binding | None:
        binding = self._by_key.pop((uid, did), None)
        if binding is not None:
            for index, key, other in ((self._by_user, uid, did), (self._by_device, did, uid)):
                entries = index[key]
                del entries[other]
                if not entries:
                    del index[key]
        return binding

    def _tell(self, uid: str, did: str, bound: bool) -> None:
        for watcher in self.watchers:
            watcher(uid, did, bound)

    def __iter__(self) -> Iterator[Binding]:
        self.touched.touch_all(self._by_key)
        return iter(self._by_key.values())

    def get(self, uid: str, did: str) -> Binding | None:
        binding = self._by_key.get((uid, did))
        if binding is not None:
            self.touched.touch((uid, did))
        return binding

    def _handed_out(self, found: list[Binding]) -> list[Binding]:
        self.touched.touch_all((b.uid, b.did) for b in found)
        return found

    def of_user(self, uid: str) -> list[Binding]:
        return self._handed_out([self._by_key[(uid, did)] for did in self._by_user.get(uid, ())])

    def of_device(self, did: str) -> list[Binding]:
        return self._handed_out(sorted((self._by_key[(uid, did)] for uid in self._by_device.get(did, ())),
                                       key=lambda b: b.created_at))

    def owner_of(self, did: str) -> Binding | None:
        return next((b for b in self.of_device(did) if b.role == OWNER), None)

    def guests_of(self, did: str) -> list[Binding]:
        return [b for b in self.of_device(did) if b.role == GUEST]

    def role_for_new_binder(self, did: str, *, sharing: bool, set_owner: bool) -> str:
        """The role a user binding ``did`` gets; 9092 when the device has an owner."""
        current = self.of_device(did)
        if any(b.role == OWNER for b in current):
            raise ApiError(9092, f"device {did!r} has an owner; only a share can give access to it")
        if not current:
            return OWNER if sharing and set_owner else SPECIAL
        return NORMAL

    def bind(self, uid: str, did: str, now: float, *, dev_alias: str = "", remark: str = "",
             role: str | None = None, sharing: bool = False, set_owner: bool = False) -> Binding:
        """Bind ``uid`` to ``did`` (an existing binding is returned unchanged).

        Without an explicit ``role`` the role follows the rules above.
        """
        existing = self.get(uid, did)
        if existing is not None:
            return existing
        if role is None:
            role = self.role_for_new_binder(did, sharing=sharing, set_owner=set_owner)
        binding = Binding(uid, did, role, now, dev_alias=dev_alias, remark=remark)
        self._add(binding)
        self.touched.touch((uid, did))
        self._tell(uid, did, True)
        return binding

    def unbind(self, uid: str, did: str) -> list[Binding]:
        """Remove the binding; return every binding that went (the owner's takes its guests along)."""
        binding = self._remove(uid, did)
        if binding is None:
            return []
        self.touched.touch((uid, did))
        removed = [binding]
        if binding.role == SPECIAL:
            successors = [b for b in self.of_device(did) if b.role == NORMAL]
            if successors:
                successors[0].role = SPECIAL
        elif binding.role == OWNER:
            for guest in self.guests_of(did):
                removed.append(self._remove(guest.uid, did))  # type: ignore[arg-type]
        for gone in removed:
            self._tell(gone.uid, did, False)
        return removed

    def share_from(self, uid: str, did: str) -> None:
        """``uid`` shares ``did``: it becomes the owner, the other ``special``/``normal`` users guests."""
        for binding in self.of_device(did):
            if binding.uid == uid:
                binding.role = OWNER
            elif binding.role in (SPECIAL, NORMAL):
                binding.role = GUEST

    def transfer(self, did: str, owner_uid: str, guest_uid: str) -> None:
        """The owner hands the device over: the guest becomes owner, the old owner a guest."""
        self._by_key[(owner_uid, did)].role = GUEST
        self._by_key[(guest_uid, did)].role = OWNER
        self.touched.touch_all(((owner_uid, did), (guest_uid, did)))

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._by_key.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        self._by_key, self._by_user, self._by_device = {}, {}, {}
        for binding in from_rows(Binding, data):
            self._add(binding)
        self.touched.reload()

    def record_map(self) -> dict[tuple[str, str], Binding]:
        return self._by_key

    def record_key(self, key: tuple[str, str]) -> str:
        return f"{key[0]}/{key[1]}"

    def drop_device(self, did: str) -> None:
        for uid in list(self._by_device.get(did, ())):
            key = (uid, did)
            self._remove(uid, did)
            self.touched.touch(key)
            self._tell(key[0], did, False)
