"""eWeLink apps (appid + app secret), from the scenario. A *lenient* app's signatures are not
checked, for clients whose app secret is not known (the official apps')."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ...core.persist import from_rows, owned, rows


@dataclass
class App:
    appid: str
    secret: str
    name: str = ""
    lenient: bool = False


class AppRegistry:
    def __init__(self) -> None:
        self._apps: dict[str, App] = {}

    def __iter__(self) -> Iterator[App]:
        return iter(self._apps.values())

    def add(self, app: App) -> App:
        self._apps[app.appid] = app
        return app

    def get(self, appid: str | None) -> App | None:
        return self._apps.get(appid or "")

    def dump(self) -> list[dict[str, Any]]:
        return rows(self._apps.values())

    def load(self, data: list[dict[str, Any]]) -> None:
        data = owned(data)  # the snapshot stays as it was, whatever the state does next
        self._apps = {app.appid: app for app in from_rows(App, data)}
