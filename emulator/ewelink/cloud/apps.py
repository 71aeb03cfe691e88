"""eWeLink apps (appid + app secret), from the scenario. A *lenient* app's signatures are not
checked, for clients whose app secret is not known (the official apps').

A record store (:mod:`emulator.core.persist`): apps handed out count as touched."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from msgspec import Struct

from ...core.persist import KeyedRecords, Touched, from_rows, owned, rows


class App(Struct):
    appid: str
    secret: str
    name: str = ""
    lenient: bool = False


class AppRegistry(KeyedRecords):
    def __init__(self) -> None:
        self._apps: dict[str, App] = {}
        self.touched = Touched()

    def __iter__(self) -> Iterator[App]:
        self.touched.touch_all(self._apps)
        return iter(self._apps.values())

    def add(self, app: App) -> App:
        self._apps[app.appid] = app
        self.touched.touch(app.appid)
        return app

    def get(self, appid: str | None) -> App | None:
        app = self._apps.get(appid or "")
        if app is not None:
            self.touched.touch(app.appid)
        return app

    def record_map(self) -> Mapping[str, App]:
        return self._apps

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._apps.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._apps = {app.appid: app for app in from_rows(App, data)}
        self.touched.reload()
