"""Device linkage rules: stored per user, and run when a device's report or connection matches.

A rule has a main device (``did``) and an ``event``: ``online``, ``offline``, ``data`` (the
device reported status), ``alert``/``fault`` (an alert or fault data point went 0 -> 1, or
1 -> 0, per ``event_attr``), or ``extern`` (an external trigger the app API has no call for:
stored, never fired). ``input`` names devices by a ``prefix``; ``condition`` is an OR of ANDs
of comparisons between ``prefix.datapoint`` references and constants; ``output`` is a list
of groups of ``devctrl``/``delay`` steps, each group run independently (see :mod:`.sequences`).

How the emulator decides what the docs leave open (also in docs/fidelity-automation.md):

- a ``data`` rule is evaluated on every report that changed at least one data point, with
  the main device's values as reported, completed by its last known values, and the other
  devices' current values; it fires each time its conditions hold (level, not edge), at
  most once per ``interval`` seconds;
- operands and comparisons are :mod:`.conditions`'; booleans compare as 0/1, and an enum
  data point compared with a number compares its index;
- an output ``attrs`` value written ``prefix.datapoint`` copies that data point's value at
  the moment the rule fires;
- rules that trigger rules: the chain stops after :data:`MAX_CHAIN` nested firings in the
  same instant, so two rules that feed each other cannot loop forever.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from msgspec import Struct, field

from ....core.changes import Change
from ....core.persist import KeyedRecords, Touched, from_rows, rows
from ...errors import ApiError
from .conditions import Const, Ref, cached_operand, compare, output_value
from .sequences import SEQUENCE_EVENT, new_sequence, run_sequence

if TYPE_CHECKING:
    from ..context import GizwitsContext

EVENTS = ("online", "offline", "alert", "fault", "data", "extern")
MAX_CHAIN = 8


# -- records ----------------------------------------------------------------------------------
class Rule(Struct):
    rule_id: int
    uid: str
    product_key: str
    did: str
    event: str
    created_at: float
    name: str = ""
    remark: str = ""
    interval: int = 0
    event_attr: dict[str, Any] | None = None
    input: list[dict[str, Any]] = field(default_factory=list)
    condition: list[list[dict[str, Any]]] = field(default_factory=list)
    output: list[list[dict[str, Any]]] = field(default_factory=list)
    last_fired: float | None = None

    def body(self) -> dict[str, Any]:
        """One item of ``GET /app/rules`` (field order of seed 001's example)."""
        item: dict[str, Any] = {
            "remark": self.remark, "name": self.name, "did": self.did, "interval": self.interval,
            "product_key": self.product_key, "event": self.event, "output": self.output, "input": self.input,
            "rule_id": self.rule_id, "condition": self.condition,
        }
        if self.event_attr is not None:
            item["event_attr"] = self.event_attr
        return item

    @property
    def prefixes(self) -> dict[str, str]:
        """prefix -> did"""
        return {item["prefix"]: item["did"] for item in self.input}


class RuleStore(KeyedRecords):
    """Linkage rules by id; a record store (:mod:`emulator.core.persist`): rules handed out count as
    touched, and the next id is a record of its own."""

    rows_key = "rules"

    def __init__(self) -> None:
        self._rules: dict[int, Rule] = {}
        self._by_did: dict[str, list[int]] = defaultdict(list)
        self._next_id = 1
        self.touched = Touched()

    def __iter__(self) -> Iterator[Rule]:
        self.touched.touch_all(self._rules)
        return iter(self._rules.values())

    def __bool__(self) -> bool:
        return bool(self._rules)

    def _handed_out(self, found: list[Rule]) -> list[Rule]:
        self.touched.touch_all(r.rule_id for r in found)
        return found

    def of_user(self, uid: str) -> list[Rule]:
        return self._handed_out([r for r in self._rules.values() if r.uid == uid])

    def on_device(self, did: str) -> list[Rule]:
        """Rules whose main device is ``did``, oldest first."""
        return self._handed_out([self._rules[i] for i in self._by_did.get(did, ())])

    def create(self, uid: str, now: float, form: Mapping[str, Any]) -> Rule:
        rule = Rule(rule_id=self._next_id, uid=uid, created_at=now, **form)
        self._next_id += 1
        self._rules[rule.rule_id] = rule
        self._by_did[rule.did].append(rule.rule_id)
        self.touched.touch(rule.rule_id)
        return rule

    def require(self, uid: str, rule_id: int) -> Rule:
        """The user's rule. The docs name no error for an unknown rule: 9015, with a detail."""
        rule = self._rules.get(rule_id)
        if rule is None or rule.uid != uid:
            raise ApiError(9015, f"no rule {rule_id} for this user")
        self.touched.touch(rule_id)
        return rule

    def update(self, rule: Rule, form: Mapping[str, Any]) -> None:
        self._by_did[rule.did].remove(rule.rule_id)
        for key, value in form.items():
            setattr(rule, key, value)
        self._by_did[rule.did].append(rule.rule_id)
        self._by_did[rule.did].sort()
        self.touched.touch(rule.rule_id)

    def delete(self, rule: Rule) -> None:
        if self._rules.pop(rule.rule_id, None) is not None:
            self._by_did[rule.did].remove(rule.rule_id)
        self.touched.touch(rule.rule_id)

    def _reindex(self) -> None:
        self._by_did = defaultdict(list)
        for rule in self._rules.values():
            self._by_did[rule.did].append(rule.rule_id)

    def dump(self) -> dict[str, Any]:
        return {"next_id": self._next_id, "rules": rows(self._rules.values())}

    def load(self, data: dict[str, Any]) -> None:
        self._next_id = data["next_id"]
        self._rules = {r.rule_id: r for r in from_rows(Rule, data["rules"])}
        self._reindex()
        self.touched.reload()

    def record_map(self) -> dict[int, Rule]:
        return self._rules


# -- running ----------------------------------------------------------------------------------
class LinkageEngine:
    """Listens to the change feed and fires the rules a change matches.

    All the rules a change triggers see the devices as they were when the change arrived
    (their reads are taken once per change), whatever the outputs of the first ones do.
    """

    def __init__(self, cloud: GizwitsContext) -> None:
        self.cloud = cloud
        self._depth = 0

    def on_change(self, change: Change) -> None:
        rules = self.cloud.rules.on_device(change.did) if self.cloud.rules else []
        if not rules or self._depth >= MAX_CHAIN:
            return
        self._depth += 1
        reads: dict[str, dict[str, Any]] = {}
        try:
            for rule in rules:
                if self._should_fire(rule, change, reads):
                    self.fire(rule, change, reads)
        finally:
            self._depth -= 1

    def _should_fire(self, rule: Rule, change: Change, reads: dict[str, dict[str, Any]]) -> bool:
        if rule.interval and rule.last_fired is not None and change.at - rule.last_fired < rule.interval:
            return False
        if self.cloud.bindings.get(rule.uid, rule.did) is None:
            return False
        return self._event_matches(rule, change) and self._conditions_hold(rule, change, reads)

    def _event_matches(self, rule: Rule, change: Change) -> bool:
        if rule.event in ("online", "offline"):
            return change.kind == rule.event
        if change.kind != "attrs" or not change.attrs:
            return False
        if rule.event == "data":
            return True
        if rule.event in ("alert", "fault") and rule.event_attr is not None:
            name = rule.event_attr["attr_name"]
            if name not in change.attrs:
                return False
            before = self._previous(change.did, name, change.at)
            wanted = (0, 1) if str(rule.event_attr["value"]) == "1" else (1, 0)
            return before is not None and (int(before), int(change.attrs[name])) == wanted
        return False

    def _previous(self, did: str, name: str, at: float) -> Any:
        """The value ``name`` had in the report before the latest one, if any."""
        records = self.cloud.history.of(did, end=at)
        seen_latest = False
        for record in reversed(records):
            if name in record.attrs:
                if seen_latest:
                    return record.attrs[name]
                seen_latest = True
        return None

    def _read(self, did: str, change: Change, reads: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """What the rule sees of ``did``: the report itself, completed by the device's values."""
        values = reads.get(did)
        if values is None:
            device = self.cloud.devices.get(did)
            values = device.read(change.at) if device is not None else {}
            if did == change.did and change.kind == "attrs":
                values.update(change.attrs)
            reads[did] = values
        return values

    def values(self, rule: Rule, change: Change, reads: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """prefix -> the data point values the rule sees for that device."""
        return {prefix: self._read(did, change, reads) for prefix, did in rule.prefixes.items()}

    def _conditions_hold(self, rule: Rule, change: Change, reads: dict[str, dict[str, Any]]) -> bool:
        if not rule.condition:
            return True
        prefixes = rule.prefixes
        values = self.values(rule, change, reads)
        return any(all(self._holds(prefixes, item, values) for item in group) for group in rule.condition)

    def _holds(self, prefixes: Mapping[str, str], item: Mapping[str, Any],
               values: Mapping[str, Mapping[str, Any]]) -> bool:
        key = tuple(prefixes)
        a, a_enum = self._resolve(cached_operand(item["left"], key), prefixes, values)
        b, b_enum = self._resolve(cached_operand(item["right"], key), prefixes, values)
        if a is None or b is None:
            return False
        if isinstance(a, str) and not isinstance(b, str) and a_enum is not None:
            a = a_enum.index(a) if a in a_enum else a
        if isinstance(b, str) and not isinstance(a, str) and b_enum is not None:
            b = b_enum.index(b) if b in b_enum else b
        return compare(a, item["opt"], b)

    def _resolve(self, operand: Ref | Const, prefixes: Mapping[str, str],
                 values: Mapping[str, Mapping[str, Any]]) -> tuple[Any, tuple[str, ...] | None]:
        """(value, the enum values when it is an enum data point)."""
        if isinstance(operand, Const):
            return operand.value, None
        value = values.get(operand.prefix, {}).get(operand.name)
        device = self.cloud.devices.get(prefixes[operand.prefix])
        point = device.product.datapoints.by_name.get(operand.name) if device is not None else None
        if isinstance(value, bool):
            value = int(value)
        return value, (point.enum if point is not None and point.data_type == "enum" else None)

    def fire(self, rule: Rule, change: Change, reads: dict[str, dict[str, Any]]) -> None:
        rule.last_fired = change.at
        values = self.values(rule, change, reads)
        for group in rule.output:
            steps = [self._step(rule, item, values) for item in group]
            run_sequence(self.cloud, new_sequence(rule.uid, steps, source="rule", stop_on_failure=True,
                                                  rule_id=rule.rule_id), change.at)

    @staticmethod
    def _step(rule: Rule, item: Mapping[str, Any], values: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
        if item["type"] == "delay":
            return {"type": "delay", "seconds": item["delay"]}
        attrs = item.get("attrs")
        if attrs is not None:
            attrs = {name: output_value(value, rule.prefixes, values) for name, value in attrs.items()}
        return {"type": "device", "did": item["did"], "attrs": attrs, "raw": item.get("raw")}


def delete_rule(cloud: GizwitsContext, rule: Rule) -> None:
    """Delete ``rule`` and the delayed steps of its outputs still waiting."""
    cloud.events.cancel_where(SEQUENCE_EVENT, rule_id=rule.rule_id)
    cloud.rules.delete(rule)


def install(cloud: GizwitsContext) -> None:
    cloud.feed.subscribe(LinkageEngine(cloud).on_change, reacts=True)
