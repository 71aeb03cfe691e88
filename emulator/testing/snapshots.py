"""Snapshot parity: record responses of the real cloud, replay the same requests on the emulator, compare.

A *snapshot* is ``{"status", "content_type", "body"}`` with the body **normalized**: values
that differ from one account or run to another are replaced by references. Identifiers
(tokens, uids, dids, MACs, passcodes, object ids, e-mails, usernames, phones) become ``<did:1>``, ``<did:2>`` ... in
order of first appearance, and the same value keeps the same reference everywhere in one
test, even inside longer strings such as a ``detail_message``; timestamps and dates
become ``<timestamp>``, ``<datetime>`` or ``<date>``. Status codes and content types are
kept.

Two ways to compare, chosen by where the recorded snapshot came from:

- ``shape`` (seeded from documentation examples or captured payloads): same status and
  content type, same keys at every level, compatible JSON types; values are not compared
  (they come from other accounts). In a list every item is compared with the recorded
  items' merged shape; a recorded ``null`` accepts any type (the example had no value).
- ``strict`` (recorded against the real cloud): the shape, and every value as well.

Each difference carries a JSON path (``$.devices[*].gw_did``); a difference whose path
matches a *known, documented difference* does not fail the comparison but is reported.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from msgspec import Struct, field

#: Keys whose values are identifiers, and the reference kind they get.
ID_KEYS: dict[str, str] = {
    "token": "token", "uid": "uid", "did": "did", "mac": "mac", "passcode": "passcode", "id": "id",
    "product_key": "product_key", "gw_did": "did", "email": "email", "username": "username", "phone": "phone",
}
#: Keys whose values are moments: integers become ``<timestamp>``, strings ``<datetime>``.
TIME_KEYS = frozenset({"expire_at", "updated_at", "state_last_timestamp", "created_at", "updatedAt", "timestamp"})
#: Keys whose values are calendar dates.
DATE_KEYS = frozenset({"date", "start_date", "end_date"})
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Identifier values shorter than this are not replaced inside other strings (too likely to collide).
_MIN_EMBEDDED = 6


class Normalizer:
    """Replaces identifiers and moments by stable references; one instance per test."""

    def __init__(self) -> None:
        self.references: dict[str, str] = {}
        self._counts: dict[str, int] = {}

    def reference(self, kind: str, value: str) -> str:
        if value in self.references:
            return self.references[value]
        self._counts[kind] = self._counts.get(kind, 0) + 1
        ref = f"<{kind}:{self._counts[kind]}>"
        self.references[value] = ref
        return ref

    def learn(self, value: Any, kind: str) -> None:
        """Give ``value`` a reference before it is seen in a response (e.g. the did a test was given)."""
        if isinstance(value, str) and value:
            self.reference(kind, value)

    def normalize(self, value: Any) -> Any:
        """A copy of ``value`` with identifiers and moments replaced (two passes: collect, then rewrite)."""
        self._collect(value, None)
        return self._rewrite(value, None)

    def _collect(self, value: Any, key: str | None) -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                self._collect(v, str(k))
        elif isinstance(value, list):
            for item in value:
                self._collect(item, key)
        elif isinstance(value, str) and value and key in ID_KEYS:
            self.reference(ID_KEYS[key], value)

    def _rewrite(self, value: Any, key: str | None) -> Any:
        if isinstance(value, Mapping):
            return {k: self._rewrite(v, str(k)) for k, v in value.items()}
        if isinstance(value, list):
            if key in ("success", "failed"):  # lists of dids (unbind results)
                return [self.reference("did", v) if isinstance(v, str) else self._rewrite(v, None) for v in value]
            return [self._rewrite(item, key) for item in value]
        if key in TIME_KEYS and isinstance(value, int | float) and not isinstance(value, bool):
            return "<timestamp>"
        if isinstance(value, str):
            if value in self.references:
                return self.references[value]
            if key in TIME_KEYS and value:
                return "<datetime>" if not _DATE.match(value) else "<date>"
            if key in DATE_KEYS and _DATE.match(value):
                return "<date>"
            if _DATETIME.match(value):
                return "<datetime>"
            return self._embedded(value)
        return value

    def _embedded(self, text: str) -> str:
        for raw, ref in sorted(self.references.items(), key=lambda item: -len(item[0])):
            if len(raw) >= _MIN_EMBEDDED and raw in text:
                text = text.replace(raw, ref)
        return text


def snapshot_of(status: int | None, content_type: str | None, body: Any, normalizer: Normalizer) -> dict[str, Any]:
    """The stored form of one response."""
    media = content_type.split(";")[0].strip().lower() if content_type else None
    return {"status": status, "content_type": media, "body": normalizer.normalize(body)}


# -- comparing -------------------------------------------------------------------------------
class Difference(Struct, frozen=True):
    path: str
    kind: str  # "status", "content_type", "missing", "extra", "type", "value", "length"
    recorded: Any
    actual: Any

    def describe(self) -> str:
        if self.kind == "missing":
            return f"{self.path}: missing (recorded {short(self.recorded)})"
        if self.kind == "extra":
            return f"{self.path}: not in the recording (got {short(self.actual)})"
        return f"{self.path}: {self.kind} differs: recorded {short(self.recorded)}, got {short(self.actual)}"


def short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def compare(recorded: Mapping[str, Any], actual: Mapping[str, Any], *, strict: bool) -> list[Difference]:
    """Differences between a recorded snapshot and the actual one (both normalized)."""
    diffs: list[Difference] = []
    if recorded.get("status") is not None and recorded.get("status") != actual.get("status"):
        diffs.append(Difference("$", "status", recorded.get("status"), actual.get("status")))
    if recorded.get("content_type") is not None and recorded.get("content_type") != actual.get("content_type"):
        diffs.append(Difference("$", "content_type", recorded.get("content_type"), actual.get("content_type")))
    if strict:
        _compare_values(recorded.get("body"), actual.get("body"), "$", diffs)
    else:
        _compare_shapes([recorded.get("body")], [actual.get("body")], "$", diffs)
    return diffs


def _compare_values(recorded: Any, actual: Any, path: str, diffs: list[Difference]) -> None:
    if type_name(recorded) != type_name(actual) and {type_name(recorded), type_name(actual)} != {"integer", "number"}:
        diffs.append(Difference(path, "type", type_name(recorded), type_name(actual)))
    elif isinstance(recorded, dict):
        for key in recorded.keys() - actual.keys():
            diffs.append(Difference(f"{path}.{key}", "missing", recorded[key], None))
        for key in actual.keys() - recorded.keys():
            diffs.append(Difference(f"{path}.{key}", "extra", None, actual[key]))
        for key in sorted(recorded.keys() & actual.keys()):
            _compare_values(recorded[key], actual[key], f"{path}.{key}", diffs)
    elif isinstance(recorded, list):
        if len(recorded) != len(actual):
            diffs.append(Difference(path, "length", len(recorded), len(actual)))
        for index, (r, a) in enumerate(zip(recorded, actual, strict=False)):
            _compare_values(r, a, f"{path}[{index}]", diffs)
    elif recorded != actual:
        diffs.append(Difference(path, "value", recorded, actual))


def _compare_shapes(recorded: list[Any], actual: list[Any], path: str, diffs: list[Difference]) -> None:
    """Compare every value in ``actual`` with the merged shape of the values in ``recorded``."""
    if not recorded or not actual:
        return
    recorded_types = {type_name(v) for v in recorded}
    actual_types = {type_name(v) for v in actual}
    if recorded_types == {"null"}:  # an example without a value says nothing about the type
        return
    numeric = {"integer", "number"}
    unexplained = {t for t in actual_types - recorded_types if not (t in numeric and recorded_types & numeric)}
    if unexplained:
        diffs.append(Difference(path, "type", "|".join(sorted(recorded_types)), "|".join(sorted(actual_types))))
        return
    objects_r = [v for v in recorded if isinstance(v, dict)]
    objects_a = [v for v in actual if isinstance(v, dict)]
    if objects_r and objects_a:
        keys_r = set().union(*(v.keys() for v in objects_r))
        keys_a = set().union(*(v.keys() for v in objects_a))
        for key in sorted(keys_r - keys_a):
            diffs.append(Difference(f"{path}.{key}", "missing", next(v[key] for v in objects_r if key in v), None))
        for key in sorted(keys_a - keys_r):
            diffs.append(Difference(f"{path}.{key}", "extra", None, next(v[key] for v in objects_a if key in v)))
        for key in sorted(keys_r & keys_a):
            _compare_shapes([v[key] for v in objects_r if key in v], [v[key] for v in objects_a if key in v],
                            f"{path}.{key}", diffs)
    lists_r = [item for v in recorded if isinstance(v, list) for item in v]
    lists_a = [item for v in actual if isinstance(v, list) for item in v]
    if lists_r and lists_a:
        _compare_shapes(lists_r, lists_a, f"{path}[*]", diffs)


# -- known differences -----------------------------------------------------------------------
class KnownDifference(Struct, frozen=True):
    """A documented way the emulator differs from a recording: ``snapshot`` and ``path`` are globs."""

    path: str
    reason: str
    snapshot: str = "*"

    def covers(self, snapshot_key: str, difference: Difference) -> bool:
        general = re.sub(r"\[\d+\]", "[*]", difference.path)
        # Brackets are literal here ("$.devices[*].mac"), not fnmatch character classes.
        path, snapshot = (glob.replace("[", "[[]") for glob in (self.path, self.snapshot))
        return fnmatch.fnmatchcase(snapshot_key, snapshot) and (
            fnmatch.fnmatchcase(difference.path, path) or fnmatch.fnmatchcase(general, path)
        )


class Verdict(Struct):
    key: str
    source: str
    strict: bool
    unexpected: list[Difference] = field(default_factory=list)
    known: list[tuple[Difference, KnownDifference]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unexpected

    def report(self) -> str:
        mode = "strict" if self.strict else "shape"
        lines = [f"snapshot {self.key!r} ({mode} comparison, recorded from {self.source}):"]
        lines += [f"  - {d.describe()}" for d in self.unexpected]
        lines += [f"  ~ {d.describe()}  [known: {k.reason}]" for d, k in self.known]
        return "\n".join(lines)


def judge(key: str, recorded_entry: Mapping[str, Any], actual: Mapping[str, Any],
          known: Iterable[KnownDifference]) -> Verdict:
    """Compare ``actual`` with a stored entry ``{"source", "recorded-content"...}`` item."""
    source = str(recorded_entry.get("source", "unknown"))
    strict = source == "cloud"
    verdict = Verdict(key, source, strict)
    known = tuple(known)
    for difference in compare(recorded_entry["snapshot"], actual, strict=strict):
        match = next((k for k in known if k.covers(key, difference)), None)
        if match is None:
            verdict.unexpected.append(difference)
        else:
            verdict.known.append((difference, match))
    return verdict
