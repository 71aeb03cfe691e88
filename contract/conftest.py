"""The contract suite's plumbing: the target, an HTTP client, snapshots, markers and the footprint check.

Markers every contract test carries:

- ``@pytest.mark.cloud_validated("YYYY-MM-DD")`` when the test last passed against the real
  cloud, or ``@pytest.mark.cloud_validated(None)`` when it never has. Exactly one per test
  (collection fails otherwise).
- ``@pytest.mark.emulator_only("why")`` for a test that cannot run on a plain account
  (it creates users, unbinds devices, needs a product secret ...): skipped on the cloud.

On the emulator, each test that may run on the cloud is also held to the cloud rule
"touch only what you create, put back what you change": the emulated cloud's users,
bindings, scheduler tasks and device values must be the same after the test as before.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from emulator.testing.snapshots import KnownDifference, Normalizer, Verdict, judge, snapshot_of

from .known_differences import KNOWN_DIFFERENCES
from .target import Api, Target, target_from_env

#: Where recordings live; ``GIZWITS_SNAPSHOT_DIR`` points elsewhere (e.g. for a rehearsal of a recording).
SNAPSHOT_DIR = Path(os.environ.get("GIZWITS_SNAPSHOT_DIR") or Path(__file__).parent / "snapshots")
_HERE = Path(__file__).parent
_OBJECT_ID = re.compile(r"[0-9a-f]{24}")
_DID = re.compile(r"[A-Za-z0-9]{20,23}")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--snapshot-update", action="store_true", default=False,
                     help="contract suite: record the responses as snapshots (only with GIZWITS_TARGET=cloud)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cloud_validated(date): when the test last passed against the real cloud "
                                       "(YYYY-MM-DD), or None")
    config.addinivalue_line("markers", "emulator_only(reason): cannot run on a plain cloud account")
    config.stash[_REPORT] = SuiteReport()


def _is_contract(item: pytest.Item) -> bool:
    return _HERE in Path(str(item.path)).parents


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not _is_contract(item):
            continue
        marks = list(item.iter_markers("cloud_validated"))
        if len(marks) != 1 or len(marks[0].args) != 1:
            raise pytest.UsageError(f"{item.nodeid}: a contract test carries exactly one "
                                    "@pytest.mark.cloud_validated(date or None)")


# -- target --------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def target() -> Iterator[Target]:
    found = target_from_env()
    yield found
    found.close()


@pytest.fixture(scope="session")
def api(target: Target) -> Iterator[Api]:
    client = Api(target)
    yield client
    client.close()


@pytest.fixture(scope="session")
def token(api: Api) -> str:
    """A user token of the target account, logged in once per run."""
    return api.login()


@pytest.fixture(scope="session")
def devices(api: Api, token: str, target: Target) -> dict[str, str]:
    """Product name -> did of the devices a test may use: on the cloud only the named test device."""
    if target.device is not None:
        return {target.device[0]: target.device[1]}
    listing = api.request("GET", "/app/bindings", token=token, params={"limit": 100}).json()["devices"]
    return {item["product_name"]: item["did"] for item in listing}


@pytest.fixture
def device(request: pytest.FixtureRequest, devices: dict[str, str]) -> tuple[str, str]:
    """``(product name, did)`` of the product the test is parametrized with, or skip saying why."""
    product = request.param
    if product not in devices:
        pytest.skip(f"no {product} device on this target (the cloud run has only {sorted(devices)})")
    return product, devices[product]


@pytest.fixture(autouse=True)
def _target_rules(request: pytest.FixtureRequest, target: Target) -> Iterator[None]:
    marker = request.node.get_closest_marker("emulator_only")
    if marker is not None and target.is_cloud:
        pytest.skip(f"emulator only: {marker.args[0] if marker.args else 'needs emulator state'}")
    cloud = target.cloud
    if cloud is None:
        yield
        return
    if marker is not None:  # may change anything: put the whole state back afterwards
        saved = cloud.snapshot()
        yield
        cloud.restore(saved)
        return
    before = footprint(target)
    yield
    after = footprint(target)
    assert after == before, "the test left changes behind (a cloud run must put back what it changes)"


def footprint(target: Target) -> dict[str, Any]:
    """What a cloud run must leave as it found it: users, bindings, scheduler tasks, device values."""
    cloud = target.cloud
    assert cloud is not None
    with cloud.lock:
        users = [{k: v for k, v in row.items() if k != "updated_at"} for row in cloud.users.dump()["users"]]
        return {
            "users": users,
            "bindings": cloud.bindings.dump(),
            "tasks": cloud.schedulers.dump(),
            "devices": {d.did: (written_values(d, cloud.now()), d.online, d.is_disabled) for d in cloud.devices},
        }


#: Writable data points the device itself keeps up to date: its clock.
CLOCK_POINTS = frozenset({"time_week", "time_hour", "time_min", "week", "hour", "minute"})


def written_values(device: Any, now: float) -> dict[str, Any]:
    """The values a client can write, as the device reports them. (What a device keeps inside,
    such as the manual mode behind a running program, cannot be put back through the API.)"""
    reported = device.read(now)
    return {p.name: reported[p.name] for p in device.product.datapoints.writable if p.name not in CLOCK_POINTS}


# -- snapshots -----------------------------------------------------------------------------
_REPORT = pytest.StashKey["SuiteReport"]()


class SuiteReport:
    def __init__(self) -> None:
        self.verdicts: list[Verdict] = []
        self.unrecorded: list[str] = []
        self.files: dict[Path, dict[str, Any]] = {}
        self.dirty: set[Path] = set()

    def store(self, path: Path) -> dict[str, Any]:
        if path not in self.files:
            self.files[path] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return self.files[path]

    def save(self) -> None:
        for path in sorted(self.dirty):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(self.files[path], indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                            encoding="utf-8")


_WHOLE: Any = object()


class Snapshot:
    """``snapshot.match(name, response)``: compare a response with its recording (or record it)."""

    def __init__(self, test_key: str, file: Path, report: SuiteReport, target: Target, update: bool,
                 known: tuple[KnownDifference, ...]) -> None:
        self.test_key = test_key
        self.file = file
        self.report = report
        self.target = target
        self.update = update
        self.known = known
        self.normalizer = Normalizer()

    def learn(self, value: str, kind: str) -> None:
        """Give a value its reference up front (e.g. the test device's did)."""
        self.normalizer.learn(value, kind)

    def _learn_from_url(self, path: str) -> None:
        """Ids in the request's path (a did, a task id) get references before the body is read, so an
        answer that names them only in a message (``no scheduler '...' for device '...'``) still matches."""
        for segment in path.split("/"):
            if _OBJECT_ID.fullmatch(segment):
                self.normalizer.learn(segment, "id")
            elif _DID.fullmatch(segment):
                self.normalizer.learn(segment, "did")

    def match(self, name: str, response: httpx.Response | Any, *, body: Any = _WHOLE) -> None:
        """Compare (or record) ``response``; ``body=`` replaces its body by the part that matters (e.g. only
        the items the test created, where the account may hold others), keeping status and content type."""
        if isinstance(response, httpx.Response):
            self._learn_from_url(response.request.url.path)
            if body is _WHOLE:
                try:
                    body = response.json()
                except ValueError:
                    body = response.text
            actual = snapshot_of(response.status_code, response.headers.get("content-type"), body, self.normalizer)
        else:
            actual = snapshot_of(None, None, response, self.normalizer)
        entries = self.report.store(self.file).setdefault(self.test_key, {})
        if self.update:
            entries[name] = {"source": "cloud", "recorded-date": datetime.now(UTC).date().isoformat(),
                             "recorded-from": self.target.base_url, "snapshot": actual}
            self.report.dirty.add(self.file)
            return
        recorded = entries.get(name)
        key = f"{self.test_key}::{name}"
        if recorded is None:
            self.report.unrecorded.append(key)
            return
        verdict = judge(key, recorded, actual, self.known)
        self.report.verdicts.append(verdict)
        if not verdict.ok:
            pytest.fail(verdict.report() + "\n(record against the cloud with GIZWITS_TARGET=cloud "
                        "--snapshot-update; see docs/contract.md)", pytrace=False)


@pytest.fixture
def snapshot(request: pytest.FixtureRequest, target: Target) -> Snapshot:
    update = bool(request.config.getoption("--snapshot-update"))
    if update and not target.is_cloud:
        pytest.fail("--snapshot-update records the real cloud's answers: run it with GIZWITS_TARGET=cloud")
    file = SNAPSHOT_DIR / f"{Path(str(request.node.path)).stem}.json"
    return Snapshot(request.node.name, file, request.config.stash[_REPORT], target, update, KNOWN_DIFFERENCES)


def pytest_sessionfinish(session: pytest.Session) -> None:
    session.config.stash[_REPORT].save()


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """The snapshot summary: with ``-v``, or when a snapshot differs (a quiet run stays quiet)."""
    report = config.stash.get(_REPORT, None)
    if report is None or not (report.verdicts or report.unrecorded):
        return
    if config.get_verbosity() <= 0 and all(v.ok for v in report.verdicts):
        return
    write = terminalreporter.write_line
    terminalreporter.section("contract snapshots")
    strict = sum(1 for v in report.verdicts if v.strict)
    write(f"compared {len(report.verdicts)} snapshots: {strict} strict (cloud recordings), "
          f"{len(report.verdicts) - strict} by shape (seeded from docs and captures); "
          f"{sum(1 for v in report.verdicts if not v.ok)} differ")
    known = [(v.key, d, k) for v in report.verdicts for d, k in v.known]
    if known:
        write(f"known, documented differences ({len(known)}):")
        for key, difference, entry in known:
            write(f"  {key}: {difference.describe()}  [{entry.reason}]")
    if report.unrecorded:
        write(f"not recorded yet ({len(report.unrecorded)}): " + ", ".join(sorted(report.unrecorded)))
