"""Where the contract suite runs: the emulator (default) or the real Gizwits cloud.

``GIZWITS_TARGET=emulator`` (or unset): the suite starts an emulator with the demo
scenario on a free port and talks to it over real HTTP. ``GIZWITS_TARGET=cloud``: the
suite talks to ``GIZWITS_BASE_URL`` (``https://euapi.gizwits.com``, ``usapi``, ``api``)
with ``GIZWITS_APP_ID`` (default: Heatzy's), ``GIZWITS_USERNAME``/``GIZWITS_PASSWORD``,
and one test device: ``GIZWITS_DID`` of product ``GIZWITS_PRODUCT`` (a product name such
as ``Pilote_Soc``). Against the cloud the suite only touches that device and what it
creates, and puts back what it changes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud
from emulator.testing import LiveServer

T = TypeVar("T")

DEMO_USERNAME = "demo@heatzy.test"
DEMO_PASSWORD = "heatzy-demo"
#: The products of the demo account, one device each: what per-product tests are parametrized over
#: (a cloud run has one of them, ``GIZWITS_PRODUCT``; the others skip).
PRODUCTS = ["Heatzy", "Pilote2", "Pilote_Soc", "Pilote_Soc_C3", "Pilote_Pro", "Glow_Simple", "onyx", "INEA", "Bloom"]
#: How long a cloud-side check waits for a real device to report a change.
CLOUD_SETTLE_SECONDS = 15.0


class TargetError(RuntimeError):
    """The environment does not describe a usable target."""


@dataclass
class Target:
    kind: str  # "emulator" or "cloud"
    base_url: str
    app_id: str
    username: str
    password: str
    #: The one device a cloud run may touch (product name, did); None on the emulator.
    device: tuple[str, str] | None = None
    server: LiveServer | None = None

    @property
    def is_cloud(self) -> bool:
        return self.kind == "cloud"

    @property
    def cloud(self) -> Cloud | None:
        """The emulated cloud's state (emulator target only)."""
        return self.server.cloud if self.server else None

    def eventually(self, read: Callable[[], T], done: Callable[[T], bool]) -> T:
        """``read()`` until ``done``: at once on the emulator (writes apply immediately); on the real
        cloud, polled for up to :data:`CLOUD_SETTLE_SECONDS` while the device reports."""
        value = read()
        deadline = time.monotonic() + CLOUD_SETTLE_SECONDS
        while self.is_cloud and not done(value) and time.monotonic() < deadline:
            time.sleep(0.5)
            value = read()
        return value

    def close(self) -> None:
        if self.server is not None:
            self.server.stop()


def target_from_env(environ: Mapping[str, str] | None = None) -> Target:
    env = os.environ if environ is None else environ
    kind = env.get("GIZWITS_TARGET", "emulator").strip().lower()
    if kind == "emulator":
        server = LiveServer(Cloud(EmulatorConfig(seed=int(env.get("GIZWITS_EMULATOR_SEED", "1"))))).start()
        return Target("emulator", server.url, HEATZY_APP_ID, DEMO_USERNAME, DEMO_PASSWORD, server=server)
    if kind != "cloud":
        raise TargetError(f"GIZWITS_TARGET must be emulator or cloud, not {kind!r}")
    needed = ("GIZWITS_BASE_URL", "GIZWITS_USERNAME", "GIZWITS_PASSWORD", "GIZWITS_DID", "GIZWITS_PRODUCT")
    missing = [name for name in needed if not env.get(name)]
    if missing:
        raise TargetError(f"GIZWITS_TARGET=cloud needs {', '.join(missing)}")
    return Target("cloud", env["GIZWITS_BASE_URL"].rstrip("/"), env.get("GIZWITS_APP_ID", HEATZY_APP_ID),
                  env["GIZWITS_USERNAME"], env["GIZWITS_PASSWORD"],
                  device=(env["GIZWITS_PRODUCT"], env["GIZWITS_DID"]))


class Api:
    """A thin HTTP client for the app API: adds the application id, and the user token when given."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.http = httpx.Client(base_url=target.base_url, timeout=30.0)

    def request(self, method: str, path: str, *, token: str | None = None, json: Any = None,
                headers: Mapping[str, str] | None = None, app_id: str | None = "default",
                **kwargs: Any) -> httpx.Response:
        sent: dict[str, str] = {}
        if app_id is not None:
            sent["X-Gizwits-Application-Id"] = self.target.app_id if app_id == "default" else app_id
        if token is not None:
            sent["X-Gizwits-User-token"] = token
        sent.update(headers or {})
        return self.http.request(method, path, headers=sent, json=json, **kwargs)

    def login(self) -> str:
        response = self.request("POST", "/app/login",
                                json={"username": self.target.username, "password": self.target.password})
        if response.status_code != 200:
            raise TargetError(f"cannot log in to {self.target.base_url}: {response.status_code} {response.text}")
        return str(response.json()["token"])

    def close(self) -> None:
        self.http.close()
