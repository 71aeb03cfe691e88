"""Fault rules: what the test control plane breaks on purpose, and when.

A rule *matches* requests by method and path pattern (a glob: ``/app/control/*``) and
optionally by application id, user (uid, e-mail or username of the token's owner),
device (a did among the path's segments) and client address. When a matching rule
*fires* it acts:

- ``error``: a documented error of the cloud the request is for (a Gizwits 9xxx code with its
  HTTP status, an eWeLink code in its ``{error, msg, data}`` envelope);
- ``status``: a bare HTTP status (a 500 or 502 from the infrastructure), optional ``body``;
- ``latency``: seconds added before the answer, fixed or a ``[low, high]`` range;
- ``drop``: the connection is closed without an answer;
- ``throttle``: a token bucket (``rate`` tokens per second, ``burst`` tokens, one bucket
  per app id or per client address); a request finding it empty gets the cloud's "throttled"
  answer (Gizwits 9041, HTTP 429);
- ``device``: a device-level fault on an app's commands to matching devices,
  ``not_delivered`` or ``offline``, checked by each cloud's control path, which answers its
  own code for it (Gizwits 9021 / 9042).

The core knows no cloud's error table: the store is given a function saying whether a code
is one some cloud documents, and each cloud's HTTP surface renders the answering rule.

A rule fires always, at most ``times`` times, and/or with ``probability`` p drawn from
the store's seeded generator. Latency rules add up and let the request go on; the first
other rule that fires decides the answer. Token buckets refill with the emulator clock,
so a frozen clock keeps a bucket empty until the clock is advanced.

The store is plain data (rules, buckets, generator state) and is part of snapshots. In a
state file it is a record store (:mod:`emulator.core.persist`) of four records, ``next``,
``rules``, ``buckets`` and ``rng``: the generator's record is made only when it was drawn
from, the others (small) at every commit, and the file gets those that changed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from msgspec import Struct

from .persist import Touched, from_rows, rows
from .randomness import DrawnRandom, dump_random, load_random

ACTIONS = ("error", "status", "latency", "drop", "throttle", "device")
#: Device-level faults: the command is not delivered, or the device is taken for offline.
DEVICE_FAULTS = ("not_delivered", "offline")
THROTTLE_KEYS = ("app", "client")
#: Says whether an error code is documented by some cloud the emulator serves.
ErrorCatalogue = Callable[[int], bool]
_MATCH_FIELDS = ("method", "path", "appid", "user", "did", "client")
_TEXT_FIELDS = (*_MATCH_FIELDS, "body")


class FaultSpecError(ValueError):
    """A rule description that cannot be used; the message says why."""


class FaultRule(Struct):
    id: str
    action: str
    method: str = "*"
    path: str = "*"
    appid: str | None = None
    user: str | None = None
    did: str | None = None
    client: str | None = None
    error: int | None = None
    status: int | None = None
    body: str | None = None
    latency: list[float] | None = None
    throttle: dict[str, Any] | None = None
    device: str | None = None
    times: int | None = None
    probability: float = 1.0
    fired: int = 0

    def describe(self) -> dict[str, Any]:
        """The rule as the admin API shows it: only the fields it uses."""
        item = {k: v for k, v in rows([self])[0].items() if v is not None}
        item["remaining"] = None if self.times is None else max(self.times - self.fired, 0)
        return item

    def matches(self, request: RequestInfo) -> bool:
        if self.method != "*" and request.method.upper() not in self.method.upper().split(","):
            return False
        if not fnmatch.fnmatchcase(request.path, self.path):
            return False
        if self.appid is not None and request.appid != self.appid:
            return False
        if self.user is not None and self.user not in request.users:
            return False
        if self.did is not None and self.did not in request.dids:
            return False
        return self.client is None or request.client == self.client


class RequestInfo(Struct, frozen=True, gc=False):
    """What a rule can match on; built by the HTTP layer from a request, on every request. The journal
    keeps it with the request: ``gc=False`` leaves it out of the collector's scans (text only)."""

    method: str
    path: str
    appid: str | None = None
    #: Identifiers of the token's user: uid, e-mail, username (whichever exist).
    users: tuple[str, ...] = ()
    #: Dids of known devices among the path's segments.
    dids: tuple[str, ...] = ()
    client: str = ""


def identities(*values: str | None) -> tuple[str, ...]:
    """What a rule's ``user`` may name: the uid, e-mail and username that exist."""
    return tuple(filter(None, values))  # a third of a generator's time (every request asks)


class Outcome(Struct, frozen=True):
    """What the faults decided for one request: a delay, and the rule that answers instead (if any)."""

    delay: float = 0.0
    rule: FaultRule | None = None
    fired: tuple[str, ...] = ()


#: What no rule fired on gives (shared: most requests meet no rule at all).
UNTOUCHED = Outcome()


class _Bucket(Struct):
    tokens: float
    at: float


def _number(spec: dict[str, Any], name: str, *, minimum: float, integer: bool = False) -> Any:
    value = spec[name]
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < minimum:
        kind = "an integer" if integer else "a number"
        raise FaultSpecError(f"{name} must be {kind} >= {minimum}, got {value!r}")
    return value


def _any_code(code: int) -> bool:
    return True


def parse_rule(spec: dict[str, Any], rule_id: str, catalogue: ErrorCatalogue = _any_code) -> FaultRule:
    """Check a rule description (the admin API's JSON, or the Python handle's keywords)."""
    if not isinstance(spec, dict):
        raise FaultSpecError("a fault rule is a JSON object")
    known = set(_MATCH_FIELDS) | set(ACTIONS) | {"body", "times", "probability"}
    unknown = sorted(set(spec) - known)
    if unknown:
        raise FaultSpecError(f"unknown field(s) {unknown}; a rule has {sorted(known)}")
    actions = [name for name in ACTIONS if spec.get(name) not in (None, False)]
    if len(actions) != 1:
        raise FaultSpecError(f"give exactly one action of {list(ACTIONS)}, got {actions or 'none'}")
    action = actions[0]
    for name in _TEXT_FIELDS:
        if spec.get(name) is not None and not isinstance(spec[name], str):
            raise FaultSpecError(f"{name} must be a string")
    rule = FaultRule(id=rule_id, action=action, **{k: spec[k] for k in _TEXT_FIELDS
                                                   if spec.get(k) is not None})
    if action == "error":
        code = spec["error"]
        if isinstance(code, bool) or not isinstance(code, int) or not catalogue(code):
            raise FaultSpecError(f"error must be a documented error code, got {code!r}")
        rule.error = code
    elif action == "status":
        status = _number(spec, "status", minimum=100, integer=True)
        if status > 599:
            raise FaultSpecError(f"status must be an HTTP status 100..599, got {status}")
        rule.status = status
    elif action == "latency":
        value = spec["latency"]
        bounds = value if isinstance(value, list) else [value, value]
        if (len(bounds) != 2 or any(isinstance(b, bool) or not isinstance(b, int | float) or b < 0 for b in bounds)
                or bounds[0] > bounds[1] or bounds[1] > 600):
            raise FaultSpecError("latency must be seconds (0..600) or a range [low, high]")
        rule.latency = [float(bounds[0]), float(bounds[1])]
    elif action == "drop":
        if spec["drop"] is not True:
            raise FaultSpecError("drop must be true")
    elif action == "throttle":
        rule.throttle = _parse_throttle(spec["throttle"])
    elif action == "device":
        if spec["device"] not in DEVICE_FAULTS:
            raise FaultSpecError(f"device must be one of {list(DEVICE_FAULTS)}, got {spec['device']!r}")
        rule.device = spec["device"]
    if spec.get("times") is not None:
        rule.times = _number(spec, "times", minimum=1, integer=True)
    if spec.get("probability") is not None:
        rule.probability = float(_number(spec, "probability", minimum=0))
        if rule.probability > 1:
            raise FaultSpecError("probability must be between 0 and 1")
    return rule


def _parse_throttle(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FaultSpecError('throttle must be an object like {"rate": 1, "burst": 5, "per": "app"}')
    unknown = sorted(set(value) - {"rate", "burst", "per"})
    if unknown:
        raise FaultSpecError(f"unknown throttle field(s) {unknown}")
    spec = {"rate": 0.0, "burst": 1, "per": "app", **value}
    rate = _number(spec, "rate", minimum=0)
    burst = _number(spec, "burst", minimum=0, integer=True)
    if spec["per"] not in THROTTLE_KEYS:
        raise FaultSpecError(f"throttle per must be one of {list(THROTTLE_KEYS)}")
    return {"rate": float(rate), "burst": burst, "per": spec["per"]}


class FaultRules:
    def __init__(self, seed: int, known: ErrorCatalogue = _any_code) -> None:
        self.known = known
        self.rules: list[FaultRule] = []
        self.rng = DrawnRandom(seed)
        self._next = 1
        self._buckets: dict[str, _Bucket] = {}
        #: Only for when every record counts (the first commit, the first after a load): the other
        #: records are small enough to compare whole, and the generator says whether it moved.
        self.touched = Touched()

    def __len__(self) -> int:
        return len(self.rules)

    def add(self, spec: dict[str, Any]) -> FaultRule:
        rule = parse_rule(spec, f"f{self._next}", self.known)
        self._next += 1
        self.rules.append(rule)
        return rule

    def get(self, rule_id: str) -> FaultRule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    def delete(self, rule_id: str) -> bool:
        rule = self.get(rule_id)
        if rule is None:
            return False
        self.rules.remove(rule)
        for key in [k for k in self._buckets if k.startswith(f"{rule_id}|")]:
            del self._buckets[key]
        return True

    def clear(self) -> None:
        self.rules.clear()
        self._buckets.clear()

    # -- deciding --------------------------------------------------------------------------
    def _fires(self, rule: FaultRule) -> bool:
        if rule.times is not None and rule.fired >= rule.times:
            return False
        if rule.probability < 1.0 and self.rng.random() >= rule.probability:
            return False
        rule.fired += 1
        return True

    def _take_token(self, rule: FaultRule, request: RequestInfo, now: float) -> bool:
        """Take a token from the rule's bucket for this requester; False when it is empty."""
        spec = rule.throttle or {}
        who = (request.appid or "") if spec.get("per") == "app" else request.client
        key = f"{rule.id}|{who}"
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = _Bucket(float(spec["burst"]), now)
        bucket.tokens = min(float(spec["burst"]), bucket.tokens + max(now - bucket.at, 0.0) * spec["rate"])
        bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return True
        return False

    def decide(self, request: RequestInfo, now: float) -> Outcome:
        """Which rules fire for ``request``: the summed latency and the answering rule, if any."""
        delay, fired = 0.0, []
        for rule in self.rules:
            if rule.action == "device" or not rule.matches(request):
                continue
            if rule.action == "throttle" and self._take_token(rule, request, now):
                continue
            if not self._fires(rule):
                continue
            fired.append(rule.id)
            if rule.action == "latency":
                low, high = rule.latency or [0.0, 0.0]
                delay += low if low == high else self.rng.uniform(low, high)
                continue
            return Outcome(delay, rule, tuple(fired))
        return Outcome(delay, None, tuple(fired)) if fired else UNTOUCHED

    def device_fault(self, request: RequestInfo) -> FaultRule | None:
        """The device-level fault rule (``rule.device`` says which fault) that fires on an app's
        command, if any."""
        for rule in self.rules:
            if rule.action == "device" and self._device_matches(rule, request) and self._fires(rule):
                return rule
        return None

    def command_fault(self, appid: str, did: str, *user: str | None) -> FaultRule | None:
        """:meth:`device_fault` for an app's command to ``did`` by the user named ``user`` (uid,
        e-mail, ...). With no rule set, the common case, the request's description is not built
        (saves ~2 us a command)."""
        if not self.rules:
            return None
        return self.device_fault(RequestInfo("POST", "", appid, identities(*user), (did,)))

    @staticmethod
    def _device_matches(rule: FaultRule, request: RequestInfo) -> bool:
        return ((rule.did is None or rule.did in request.dids)
                and (rule.appid is None or rule.appid == request.appid)
                and (rule.user is None or rule.user in request.users))

    # -- snapshots -------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        return {
            "next": self._next,
            "rules": rows(self.rules),
            "buckets": {k: [b.tokens, b.at] for k, b in self._buckets.items()},
            "rng": dump_random(self.rng),
        }

    def load(self, data: dict[str, Any]) -> None:
        self._next = data["next"]
        self.rules = from_rows(FaultRule, data["rules"])
        self._buckets = {k: _Bucket(tokens, at) for k, (tokens, at) in data["buckets"].items()}
        load_random(self.rng, data["rng"])
        self.touched.reload()

    def records(self) -> Iterator[tuple[str, Any]]:
        return iter(self.dump().items())

    def changed_records(self) -> dict[str, Any] | None:
        drawn = self.rng.take_drawn()
        if self.touched.take() is None:  # every record counts
            return None
        changed = {"next": self._next, "rules": rows(self.rules),
                   "buckets": {k: [b.tokens, b.at] for k, b in self._buckets.items()}}
        if drawn:
            changed["rng"] = dump_random(self.rng)
        return changed

    def load_records(self, records: Iterable[tuple[str, Any]]) -> None:
        self.load(dict(records))

