"""The pytest plugin (registered with the ``pytest11`` entry point: it loads on install).

Fixtures:

- ``gizwits``: an in-process :class:`~emulator.testing.Emulator`, reset before each test;
- ``gizwits_server``: a live emulator (HTTP + HTTPS on free loopback ports, in a background
  thread, started once per session), reset before each test, with host redirection on
  for the test: unmodified aiohttp / httpx / requests clients that call the real Gizwits
  hosts reach it;
- ``heatzy_account``: a factory, ``heatzy_account("Pilote2", "Glow_Simple")`` -> an
  account (e-mail, password, token, bound devices) on the emulator the test uses;
- ``ewelink_account``: a factory, ``ewelink_account(1, 4, 32)`` -> a logged-in eWeLink
  account (e-mail, password, apikey, at/rt, the app id and secret, devices of these UIIDs);
- ``gizwits_clock``: the clock of the emulator the test uses.

Redirection makes every SSL context the test uses for those hosts trust the test authority,
whenever it was made (Home Assistant's, certifi-based ones). With pytest-socket active (as
pytest-homeassistant-custom-component turns it on for every test), ``gizwits_server`` lifts its
ban on making sockets while the emulator starts and for the tests that use it; the hosts that
plugin allows connections to stay the only ones (127.0.0.1 there, where the emulator listens).

The marker ``@pytest.mark.gizwits(fixture="demo", seed=1, strict=False)`` chooses the
fixture and seed a test starts from; with ``strict=True`` (or the ini option
``gizwits_strict = true``) a test fails at teardown when its client made requests the
emulator has no route for, or sent WebSocket frames it did not understand, and the
failure lists them.

Nothing heavy is imported until a test asks for one of these fixtures.
"""

from __future__ import annotations

import contextlib
import socket
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest
from msgspec import Struct

if TYPE_CHECKING:
    from ..ewelink.cloud.accounts import EwelinkAccount
    from ..gizwits.cloud.accounts import Account
    from .emulator import ClockHandle, Emulator

MARKER = "gizwits"


class Settings(Struct, frozen=True):
    fixture: Any = "demo"
    seed: int = 1
    strict: bool = False


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("gizwits_fixture", "scenario the gizwits fixtures start from (default demo)", default="demo")
    parser.addini("gizwits_strict", "fail tests whose client hit routes the emulator does not emulate",
                  type="bool", default=False)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(fixture='demo', seed=1, strict=False): state the gizwits fixtures start from; strict fails "
        "the test when its client made requests the emulator does not emulate",
    )


def settings(request: pytest.FixtureRequest) -> Settings:
    config = request.config
    base = Settings(fixture=config.getini("gizwits_fixture") or "demo", strict=bool(config.getini("gizwits_strict")))
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return base
    options = dict(marker.kwargs)
    if marker.args:
        options.setdefault("fixture", marker.args[0])
    unknown = sorted(set(options) - {"fixture", "seed", "strict"})
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{MARKER} takes fixture, seed and strict; got {unknown}")
    return Settings(fixture=options.get("fixture", base.fixture), seed=int(options.get("seed", base.seed)),
                    strict=bool(options.get("strict", base.strict)))


def _listing(lines: list[str], heading: str, hint: str) -> str:
    more = f"\n  ... and {len(lines) - 20} more" if len(lines) > 20 else ""
    return f"strict gizwits emulator: {heading}:\n" + "\n".join(lines[:20]) + more + "\n" + hint


def strict_failures(emulator: Emulator) -> str | None:
    """What to tell the user when the client hit routes the emulator does not emulate, or sent
    WebSocket frames it did not understand."""
    missed = emulator.journal(emulated=False)
    frames = emulator.frames(direction="in", understood=False)
    parts = []
    if missed:
        parts.append(_listing(
            [f"  {e.method} {e.path}{'?' + e.query if e.query else ''} -> {e.status}" for e in missed],
            f"the client made {len(missed)} request(s) the emulator does not emulate "
            "(answered 9999, 'not an emulated route')",
            "Check the method and path against the Gizwits API, or drop strict=True if this is intended."))
    if frames:
        parts.append(_listing(
            [f"  {f.session} {str(f.frame)[:120]} -> {f.note}" for f in frames],
            f"the client sent {len(frames)} WebSocket frame(s) the emulator did not understand "
            "(answered s2c_invalid_msg)",
            "Check them against docs/websocket.md, or drop strict=True if this is intended."))
    return "\n".join(parts) or None


def _use(emulator: Emulator, request: pytest.FixtureRequest) -> Iterator[Emulator]:
    from ..gizwits.cloud.scenario import ScenarioError

    chosen = settings(request)
    try:
        emulator.reset(chosen.fixture, seed=chosen.seed)
    except ScenarioError as error:
        pytest.fail(f"the gizwits fixture cannot load:\n{error}", pytrace=False)
    yield emulator
    if chosen.strict:
        problem = strict_failures(emulator)
        if problem:
            pytest.fail(problem, pytrace=False)


@pytest.fixture(scope="session")
def _gizwits_in_process() -> Iterator[Emulator]:
    from .emulator import Emulator

    emulator = Emulator()
    yield emulator
    emulator.close()


@contextlib.contextmanager
def sockets_allowed() -> Iterator[None]:
    """pytest-socket's ban on creating sockets lifted for the block (its connection rules stay)."""
    blocker = sys.modules.get("pytest_socket")
    real = getattr(blocker, "_true_socket", None)
    if blocker is None or real is None or socket.socket is real:
        yield
        return
    banned = socket.socket
    socket.socket = real  # type: ignore[misc]
    try:
        yield
    finally:
        socket.socket = banned  # type: ignore[misc]


@pytest.fixture(scope="session")
def _gizwits_live() -> Iterator[Emulator]:
    from .emulator import Emulator

    with sockets_allowed():
        emulator = Emulator.serve()
    yield emulator
    with sockets_allowed():
        emulator.stop()


@pytest.fixture
def gizwits(_gizwits_in_process: Emulator, request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """An in-process emulator, reset before the test (see the ``gizwits`` marker)."""
    yield from _use(_gizwits_in_process, request)


@pytest.fixture
def gizwits_server(_gizwits_live: Emulator, request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A live emulator (``.url``, ``.tls_url``), reset before the test, the Gizwits hosts redirected to it."""
    with sockets_allowed(), _gizwits_live.redirect():
        yield from _use(_gizwits_live, request)


def _active(request: pytest.FixtureRequest) -> Emulator:
    """The emulator the test uses: the live one if it asked for it, else the in-process one."""
    if "gizwits_server" in request.fixturenames:
        return request.getfixturevalue("gizwits_server")  # type: ignore[no-any-return]
    return request.getfixturevalue("gizwits")  # type: ignore[no-any-return]


@pytest.fixture
def heatzy_account(request: pytest.FixtureRequest) -> Callable[..., Account]:
    """``heatzy_account("Pilote2", "Glow_Simple", email=None, password=None)`` -> a new account."""
    emulator = _active(request)
    return emulator.account


@pytest.fixture
def ewelink_account(request: pytest.FixtureRequest) -> Callable[..., EwelinkAccount]:
    """``ewelink_account(1, 4, email=None, password=None, region="eu")`` -> a new logged-in eWeLink account."""
    return _active(request).ewelink.account


@pytest.fixture
def gizwits_clock(request: pytest.FixtureRequest) -> ClockHandle:
    """The clock of the emulator the test uses: ``.freeze(...)``, ``.advance(hours=2)``, ``.offset(...)``."""
    return _active(request).clock
