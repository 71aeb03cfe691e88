"""Homes ("families"), their rooms, and where each user's things sit in them.

Every account has at least one home (made with the account: ``My Home``) and a current
home; a thing (a device, or a group) sits in one home of each user who sees it, in a room or
unallocated (``roomid`` ""), with an ``index`` that orders the home's things (may be negative).
``sort`` 1 gives a new item an index smaller than every other, 2 a larger one (L1095), for
homes, rooms and things alike. Sorting rooms or things takes the whole list (L1757, L1810):
anything else is 400. A home holds at most :data:`MAX_ROOMS` rooms (L1691; 20002 past that);
the only home of an account cannot be deleted (20003).

A record store (:mod:`emulator.core.persist`): homes and placements handed out count as touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct, field

from ...core.persist import RecordMaps, Touched, from_rows, owned, rows
from ..errors import EwelinkError, bad_params
from .ids import EwelinkIds

MAX_ROOMS = 100
MAX_HOMES = 20
DEFAULT_HOME = "My Home"
DEVICE, GROUP = "device", "group"


class Home(Struct):
    id: str
    apikey: str
    name: str
    index: int
    created_at: float
    #: ``[{"id", "name", "index"}]``
    rooms: list[dict[str, Any]] = field(default_factory=list)

    def body(self) -> dict[str, Any]:
        rooms = sorted(self.rooms, key=lambda r: r["index"])
        return {"id": self.id, "apikey": self.apikey, "name": self.name, "index": self.index,
                "roomList": [dict(r) for r in rooms]}


class Placement(Struct):
    apikey: str
    kind: str
    id: str
    familyid: str
    roomid: str
    index: int

    def family_body(self) -> dict[str, Any]:
        return {"familyid": self.familyid, "index": self.index, "roomid": self.roomid}


def next_index(indexes: list[int], sort: int) -> int:
    """The index of a new item: smaller than every other (sort 1) or larger (sort 2)."""
    if not indexes:
        return 0
    return min(indexes) - 1 if sort == 1 else max(indexes) + 1


class HomeStore(RecordMaps):
    def __init__(self, ids: EwelinkIds) -> None:
        self._ids = ids
        self._homes: dict[str, Home] = {}
        self._placements: dict[tuple[str, str, str], Placement] = {}
        self.touched = Touched()

    def _handed(self, homes: Iterable[Home]) -> None:
        self.touched.touch_all(("homes", home.id) for home in homes)

    def _handed_placements(self, placements: Iterable[Placement]) -> None:
        self.touched.touch_all(("placements", (p.apikey, p.kind, p.id)) for p in placements)

    # -- homes -------------------------------------------------------------------------------------
    def homes_of(self, apikey: str) -> list[Home]:
        homes = sorted((h for h in self._homes.values() if h.apikey == apikey), key=lambda h: h.index)
        self._handed(homes)
        return homes

    def get(self, home_id: str | None) -> Home | None:
        home = self._homes.get(home_id or "")
        if home is not None:
            self._handed((home,))
        return home

    def require(self, apikey: str, home_id: str) -> Home:
        home = self._homes.get(home_id)
        if home is None or home.apikey != apikey:
            raise EwelinkError(405, f"no home {home_id!r} of this account")
        self._handed((home,))
        return home

    def create(self, apikey: str, name: str, now: float, *, sort: int = 2, room_names: list[str] = ()) -> Home:
        mine = self.homes_of(apikey)
        if len(mine) >= MAX_HOMES:
            raise EwelinkError(20002, f"at most {MAX_HOMES} homes")
        if len(room_names) > MAX_ROOMS:
            raise EwelinkError(20002, f"at most {MAX_ROOMS} rooms in a home")
        home = Home(self._ids.object_id(), apikey, name, next_index([h.index for h in mine], sort), now)
        home.rooms = [{"id": self._ids.object_id(), "name": room, "index": n} for n, room in enumerate(room_names)]
        self._homes[home.id] = home
        self._handed((home,))
        return home

    def delete(self, home: Home, *, move_to: Home) -> None:
        """Delete ``home``; its things move to ``move_to`` (unallocated there)."""
        if len(self.homes_of(home.apikey)) <= 1:
            raise EwelinkError(20003)
        for placement in self.placed_in(home.apikey, home.id):
            placement.familyid, placement.roomid = move_to.id, ""
        del self._homes[home.id]
        self._handed((home,))

    # -- rooms ------------------------------------------------------------------------------------
    def room(self, apikey: str, room_id: str) -> tuple[Home, dict[str, Any]]:
        """The account's room ``room_id`` and its home; 405 when there is none."""
        for home in self.homes_of(apikey):
            for room in home.rooms:
                if room["id"] == room_id:
                    return home, room
        raise EwelinkError(405, f"no room {room_id!r} of this account")

    def add_room(self, home: Home, name: str, sort: int) -> dict[str, Any]:
        if len(home.rooms) >= MAX_ROOMS:
            raise EwelinkError(20002, f"at most {MAX_ROOMS} rooms in a home")
        room = {"id": self._ids.object_id(), "name": name, "index": next_index([r["index"] for r in home.rooms], sort)}
        home.rooms.append(room)
        self._handed((home,))
        return room

    def delete_room(self, home: Home, room_id: str) -> None:
        home.rooms = [r for r in home.rooms if r["id"] != room_id]
        self._handed((home,))
        for placement in self.placed_in(home.apikey, home.id):
            if placement.roomid == room_id:
                placement.roomid = ""

    def sort_rooms(self, home: Home, ids: list[str]) -> None:
        if sorted(ids) != sorted(r["id"] for r in home.rooms) or len(set(ids)) != len(ids):
            raise bad_params("idList must name every room of the home once")
        self._handed((home,))
        order = {room_id: n for n, room_id in enumerate(ids)}
        for room in home.rooms:
            room["index"] = order[room["id"]]

    # -- where things are -------------------------------------------------------------------------
    def place(self, apikey: str, kind: str, item_id: str, home: Home, *, roomid: str = "", sort: int = 1) -> Placement:
        if roomid and not any(r["id"] == roomid for r in home.rooms):
            raise EwelinkError(405, f"no room {roomid!r} in this home")
        index = next_index([p.index for p in self.placed_in(apikey, home.id)], sort)
        placement = Placement(apikey, kind, item_id, home.id, roomid, index)
        self._placements[(apikey, kind, item_id)] = placement
        self._handed_placements((placement,))
        return placement

    def placement(self, apikey: str, kind: str, item_id: str) -> Placement | None:
        placement = self._placements.get((apikey, kind, item_id))
        if placement is not None:
            self._handed_placements((placement,))
        return placement

    def unplace(self, apikey: str, kind: str, item_id: str) -> None:
        self.touched.touch(("placements", (apikey, kind, item_id)))
        self._placements.pop((apikey, kind, item_id), None)

    def unplace_everywhere(self, kind: str, item_id: str) -> None:
        for key in [k for k in self._placements if k[1] == kind and k[2] == item_id]:
            self.touched.touch(("placements", key))
            del self._placements[key]

    def placed_in(self, apikey: str, home_id: str) -> list[Placement]:
        """The account's things in a home, by index."""
        placements = sorted((p for p in self._placements.values() if p.apikey == apikey and p.familyid == home_id),
                            key=lambda p: (p.index, p.kind, p.id))
        self._handed_placements(placements)
        return placements

    def placements_of(self, apikey: str) -> list[Placement]:
        placements = [p for p in self._placements.values() if p.apikey == apikey]
        self._handed_placements(placements)
        return placements

    def record_maps(self) -> Mapping[str, Mapping[object, object]]:
        return {"homes": self._homes, "placements": self._placements}

    def dump(self) -> dict[str, Any]:
        return {"homes": rows(self._homes.values()), "placements": rows(self._placements.values())}

    def load(self, data: dict[str, Any]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._homes = {h.id: h for h in from_rows(Home, data["homes"])}
        self._placements = {(p.apikey, p.kind, p.id): p for p in from_rows(Placement, data["placements"])}
        self.touched.reload()
