"""Applications known to the cloud (``X-Gizwits-Application-Id``) and their secrets."""

from __future__ import annotations

from msgspec import Struct

from ....core.persist import from_rows, rows
from ...errors import ApiError


class App(Struct, frozen=True):
    appid: str
    secret: str
    name: str = ""


class AppRegistry:
    def __init__(self) -> None:
        self._apps: dict[str, App] = {}

    def add(self, app: App) -> App:
        self._apps[app.appid] = app
        return app

    def get(self, appid: str | None) -> App | None:
        return self._apps.get(appid or "")

    def require(self, appid: str | None) -> App:
        app = self.get(appid)
        if app is None:
            raise ApiError(9003, "missing X-Gizwits-Application-Id header" if not appid else None)
        return app

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._apps.values())

    def dump(self) -> list[dict[str, str]]:
        return rows(self._apps.values())

    def load(self, data: list[dict[str, str]]) -> None:
        self._apps = {app.appid: app for app in from_rows(App, data)}
