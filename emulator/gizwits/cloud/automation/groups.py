"""Device groups (Heatzy "zones"): per user, a name, an optional product and a list of devices.

A group with a ``product_key`` holds devices of that product only; a group without one
(``""``, what the Heatzy app creates) may mix products. Field set and order of a group on
the wire follow Heatzy's captured ``GET /app/group`` (2024).
"""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from ....core.timefmt import utc_iso
from .owned import OwnedStore


class Group(Struct):
    id: str
    uid: str
    group_name: str
    created_at: float
    updated_at: float
    product_key: str = ""
    verbose_name: str = ""
    gw_did: str | None = None
    multicast_id: str = ""
    remark: str = ""
    dids: list[str] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        """One item of ``GET /app/group``."""
        return {
            "remark": self.remark,
            "gw_did": self.gw_did,
            "multicast_id": self.multicast_id,
            "updated_at": utc_iso(self.updated_at),
            "created_at": utc_iso(self.created_at),
            "verbose_name": self.verbose_name,
            "id": self.id,
            "product_key": self.product_key,
            "group_name": self.group_name,
        }


class GroupStore(OwnedStore[Group]):
    record = Group
    #: The docs name no error for an unknown group: 9015, with a detail.
    missing = (9015, "group")

    def create(self, uid: str, now: float, *, group_name: str, product_key: str = "", verbose_name: str = "",
               gw_did: str | None = None, multicast_id: str = "", remark: str = "") -> Group:
        return self.add(Group(self.new_id(), uid, group_name, now, now, product_key, verbose_name, gw_did,
                              multicast_id, remark))

    def drop_device(self, did: str, uid: str | None = None) -> None:
        """Take ``did`` out of every group (of ``uid`` only, when given)."""
        for group in self:
            if did in group.dids and (uid is None or group.uid == uid):
                group.dids.remove(did)
