"""Device linkage routes: ``/app/rules/params``, ``/app/rules`` (list, create) and
``/app/rules/{rule_id}`` (replace, delete).

A rule's form is checked whole before anything is stored: the main device, the input and
output devices must be the user's (9014 unknown, 9017 not bound), product keys must be
known and match their devices (9002), the event must be one of the documented ones (9036),
conditions must name input prefixes and data points of those devices (9015), output
commands must be valid for their device (9025). ``PUT`` replaces the rule with the form it
is given (fields as for creation). Creating answers 200, as the swagger says.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import Route

from ..cloud.automation.conditions import OPERATORS, Const, Ref, parse_operand
from ..cloud.automation.linkage import EVENTS, Rule, delete_rule
from ..devices import Device
from ..devices.datapoints import ALERT, FAULT, InvalidValue
from ..errors import ApiError, form_invalid
from .http import MAX_RAW_BYTES, Call, byte_list, endpoint, field, text
from .openapi import (
    INTEGER,
    STRING,
    array,
    form,
    json_body,
    json_response,
    obj,
    operation,
    paging_params,
    path_param,
    query_param,
    ref,
    text_field,
)

MAX_DELAY = 24 * 3600
_PREFIX = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_HEX_BYTES = re.compile(r"([0-9a-fA-F]{2})+")
#: ``GET /app/rules/params`` data types (seed 001: numeric "int", "bool", "enum", "binary").
PARAM_TYPES = {"uint8": "int", "uint16": "int", "uint32": "int", "bool": "bool", "enum": "enum", "binary": "binary"}


def _device(call: Call, did: Any, what: str, product_key: Any = None) -> Device:
    if not isinstance(did, str) or not did:
        raise form_invalid(f"{what}: did must be a device id")
    if product_key is not None and not isinstance(product_key, str):
        raise form_invalid(f"{what}: product_key must be a string")
    device, _ = call.cloud.bound_device(call.me, did)
    if product_key and product_key != device.product_key:
        raise ApiError(9002, f"{what}: device {did!r} is a {device.product.name}, not {product_key!r}")
    return device


def _event_attr(body: dict[str, Any], event: str, main: Device) -> dict[str, Any] | None:
    event_attr = field(body, "event_attr", dict)
    if event not in ("alert", "fault"):
        return None
    if event_attr is None:
        raise form_invalid(f"an {event} rule needs event_attr {{attr_name, value}}")
    name = text(event_attr, "attr_name", required=True, max_length=64)
    value = event_attr.get("value")
    if str(value) not in ("0", "1") or isinstance(value, bool):
        raise form_invalid('event_attr.value must be "1" (occurs) or "0" (recovers)')
    point = main.product.datapoints.by_name.get(name or "")
    if point is None or point.kind != (ALERT if event == "alert" else FAULT):
        raise form_invalid(f"event_attr.attr_name: {main.product.name} has no {event} data point {name!r}")
    return {"attr_name": name, "value": str(value)}


def _inputs(call: Call, body: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Device]]:
    items = field(body, "input", list, default=[])
    inputs, devices = [], {}
    for index, item in enumerate(items):
        where = f"input[{index}]"
        if not isinstance(item, dict):
            raise form_invalid(f"{where} must be an object {{product_key, did, prefix}}")
        prefix = item.get("prefix")
        if not isinstance(prefix, str) or not _PREFIX.match(prefix) or prefix in devices:
            raise form_invalid(f"{where}.prefix must be a distinct identifier, got {prefix!r}")
        device = _device(call, item.get("did"), where, item.get("product_key", ""))
        devices[prefix] = device
        inputs.append({"product_key": device.product_key, "did": device.did, "prefix": prefix})
    return inputs, devices


def _operand(value: Any, devices: dict[str, Device], where: str) -> Ref | Const:
    try:
        operand = parse_operand(value, devices)
    except ValueError as error:
        raise form_invalid(f"{where}: {error}") from None
    if isinstance(operand, Ref) and operand.name not in devices[operand.prefix].product.datapoints:
        raise form_invalid(f"{where}: {devices[operand.prefix].product.name} has no data point {operand.name!r}")
    return operand


def _nested(body: dict[str, Any], name: str, *, required: bool = False) -> list[tuple[str, Any]]:
    """``[(where, item)]`` of a list of non-empty lists (condition groups, output groups)."""
    groups = field(body, name, list, required=required, default=[])
    items = []
    for g, group in enumerate(groups):
        if not isinstance(group, list) or not group:
            raise form_invalid(f"{name}[{g}] must be a non-empty list")
        items.extend((f"{name}[{g}][{i}]", item) for i, item in enumerate(group))
    return items


def _regroup(shape: list[Any], items: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """``items`` cut back into the groups of ``shape``."""
    out, start = [], 0
    for group in shape:
        out.append(items[start:start + len(group)])
        start += len(group)
    return out


def _conditions(body: dict[str, Any], devices: dict[str, Device]) -> list[list[dict[str, Any]]]:
    items = []
    for where, item in _nested(body, "condition"):
        if not isinstance(item, dict) or not isinstance(item.get("opt"), str) or item["opt"] not in OPERATORS:
            raise form_invalid(f"{where} must be {{left, opt, right}} with opt one of {list(OPERATORS)}")
        _operand(item.get("left"), devices, f"{where}.left")
        _operand(item.get("right"), devices, f"{where}.right")
        items.append({"left": item["left"], "opt": item["opt"], "right": item["right"]})
    return _regroup(body.get("condition") or [], items)


def _devctrl(call: Call, item: dict[str, Any], devices: dict[str, Device], where: str) -> dict[str, Any]:
    device = _device(call, item.get("did"), where)
    attrs, raw = item.get("attrs"), item.get("raw")
    if (attrs is None) == (raw is None):
        raise form_invalid(f"{where}: a devctrl output needs attrs or raw")
    if raw is not None:
        if isinstance(raw, str):
            if not _HEX_BYTES.fullmatch(raw):  # bytes.fromhex alone also takes blanks between bytes
                raise form_invalid(f"{where}.raw must be a list of bytes or a hex string")
            raw = list(bytes.fromhex(raw))
        return {"type": "devctrl", "did": device.did, "raw": list(byte_list(raw))}
    if not isinstance(attrs, dict) or not attrs:
        raise form_invalid(f"{where}.attrs must be a non-empty object")
    literal = {k: v for k, v in attrs.items() if not isinstance(_operand(v, devices, f"{where}.attrs.{k}"), Ref)}
    try:
        device.product.datapoints.validate_write(literal)
    except InvalidValue as error:
        raise ApiError(9025, f"{where}: {error}") from None
    return {"type": "devctrl", "did": device.did, "attrs": dict(attrs)}


def _outputs(call: Call, body: dict[str, Any], devices: dict[str, Device]) -> list[list[dict[str, Any]]]:
    steps = []
    for where, item in _nested(body, "output", required=True):
        kind = item.get("type") if isinstance(item, dict) else None
        if kind == "delay":
            delay = field(item, "delay", int, required=True)
            if not 0 <= delay <= MAX_DELAY:
                raise form_invalid(f"{where}.delay must be 0..{MAX_DELAY} seconds")
            steps.append({"type": "delay", "delay": delay})
        elif kind == "devctrl":
            steps.append(_devctrl(call, item, devices, where))
        else:
            raise form_invalid(f'{where}.type must be "devctrl" or "delay"')
    if not steps:
        raise form_invalid("output needs at least one group of actions")
    return _regroup(body["output"], steps)


def parse_rule(call: Call) -> dict[str, Any]:
    """Check a rule form whole; the fields to store."""
    body = call.body
    product_key = text(body, "product_key", required=True, max_length=64)
    call.cloud.product(product_key)
    main = _device(call, text(body, "did", required=True, max_length=64), "did", product_key)
    event = text(body, "event", max_length=16) or "data"
    if event not in EVENTS:
        raise ApiError(9036, f"event must be one of {list(EVENTS)}, got {event!r}")
    interval = field(body, "interval", int, default=0)
    if interval < 0:
        raise form_invalid("interval must be >= 0 seconds")
    inputs, devices = _inputs(call, body)
    return {
        "product_key": main.product_key, "did": main.did, "event": event,
        "name": text(body, "name", max_length=128) or "", "remark": text(body, "remark", max_length=1024) or "",
        "interval": interval, "event_attr": _event_attr(body, event, main), "input": inputs,
        "condition": _conditions(body, devices), "output": _outputs(call, body, devices),
    }


def _rule(call: Call) -> Rule:
    return call.cloud.rules.require(call.me.uid, call.path_int("rule_id", "a rule id"))


@endpoint(auth="user")
def params(call: Call) -> Any:
    """Data points of the requested products (all products when empty); unknown keys are left out."""
    keys = [k for k in (call.query_str("product_key") or "").split(",") if k.strip()]
    products = [p for p in (call.cloud.catalog.get(k.strip()) for k in keys) if p] if keys else list(call.cloud.catalog)
    return {
        product.product_key: [
            {"display_name": p.display_name or p.name, "enum": list(p.enum), "type": PARAM_TYPES[p.data_type],
             "name": p.name}
            for p in product.datapoints
        ]
        for product in products
    }


@endpoint(auth="user")
def list_rules(call: Call) -> Any:
    limit = call.query_int("limit", 20) or 0
    skip = call.query_int("skip", 0) or 0
    return {"rules": [rule.body() for rule in call.cloud.rules.of_user(call.me.uid)[skip:skip + limit]]}


@endpoint(auth="user", body="required")
def create_rule(call: Call) -> Any:
    rule = call.cloud.rules.create(call.me.uid, call.now, parse_rule(call))
    return {"rule_id": rule.rule_id}


@endpoint(auth="user", body="required")
def replace_rule(call: Call) -> Any:
    rule = _rule(call)
    call.cloud.rules.update(rule, parse_rule(call))
    return {"rule_id": rule.rule_id}


@endpoint(auth="user")
def remove_rule(call: Call) -> Any:
    rule = _rule(call)
    delete_rule(call.cloud, rule)
    return {"rule_id": rule.rule_id}


ROUTES = [
    Route("/app/rules/params", params, methods=["GET"]),
    Route("/app/rules", list_rules, methods=["GET"]),
    Route("/app/rules", create_rule, methods=["POST"]),
    Route("/app/rules/{rule_id}", replace_rule, methods=["PUT"]),
    Route("/app/rules/{rule_id}", remove_rule, methods=["DELETE"]),
]

# -- OpenAPI ------------------------------------------------------------------------------------
_TAGS = ["rules"]
_RULE_ID = path_param("rule_id", "rule id", pattern="^[0-9]+$")
_RULE_ID_BODY = json_response(obj({"rule_id": INTEGER}, ("rule_id",)))
_FORM_ERRORS = (9002, 9014, 9017, 9025, 9036)
_UNKNOWN_RULE = "An unknown rule (or another user's) is 9015 with a detail: the docs name no error for it."
_OPERAND = {"type": ["string", "number", "boolean"],
            "description": "prefix.datapoint, or a constant (\"1\" is the number 1, \"'1'\" the string)"}
_HEX = {"type": "string", "pattern": "^([0-9a-fA-F]{2})+$"}
_BYTES = array({"type": "integer", "minimum": 0, "maximum": 255}, minItems=1, maxItems=MAX_RAW_BYTES)
_EVENT_ATTR = {"attr_name": STRING, "value": {"enum": ["0", "1", 0, 1], "description": "1 occurs, 0 recovers"}}
_STEP = {"type": {"enum": ["devctrl", "delay"]}, "did": STRING, "attrs": {"type": "object"},
         "delay": {"type": "integer", "minimum": 0, "maximum": MAX_DELAY}}


def _groups(item: dict[str, Any], **constraints: Any) -> dict[str, Any]:
    """A list of non-empty lists of ``item`` (condition groups, output groups)."""
    return array(array(item, minItems=1), **constraints)


SCHEMAS: dict[str, Any] = {
    "RuleParam": obj({"display_name": STRING, "enum": array(STRING),
                      "type": {"enum": sorted(set(PARAM_TYPES.values()))}, "name": STRING},
                     ("display_name", "enum", "type", "name")),
    "RuleForm": form({
        "product_key": text_field(64), "did": text_field(64), "name": text_field(128), "remark": text_field(1024),
        "interval": {"type": "integer", "minimum": 0, "description": "seconds between two firings"},
        "event": {"type": "string", "enum": [*EVENTS, ""], "default": "data"},
        "event_attr": form({"attr_name": text_field(64), "value": _EVENT_ATTR["value"]}, ("attr_name", "value"),
                           description="alert and fault rules: the data point and whether it occurs or recovers"),
        "input": array(form({"product_key": STRING, "did": STRING,
                             "prefix": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}},
                            ("did", "prefix"))),
        "condition": _groups(form({"left": _OPERAND, "opt": {"enum": list(OPERATORS)}, "right": _OPERAND},
                                  ("left", "opt", "right"))),
        "output": _groups(form({**_STEP, "raw": {"oneOf": [_BYTES, _HEX]}}, ("type",)), minItems=1),
    }, ("product_key", "did", "output"), example={
        "product_key": "51d16c22a5f74280bc3cfe9ebcdc6402", "did": "G4bswhyi45QARPAgFhTHH7",
        "input": [{"did": "G4bswhyi45QARPAgFhTHH7", "prefix": "p"}],
        "condition": [[{"left": "p.mode", "opt": "==", "right": 1}]],
        "output": [[{"type": "delay", "delay": 1}, {"type": "devctrl", "did": "G4bswhyi45QARPAgFhTHH7",
                                                     "attrs": {"mode": "eco"}}]],
    }),
    "Rule": obj({
        "rule_id": INTEGER, "product_key": STRING, "did": STRING, "name": STRING, "remark": STRING,
        "interval": INTEGER, "event": {"enum": list(EVENTS)},
        "event_attr": obj({"attr_name": STRING, "value": {"enum": ["0", "1"]}}, ("attr_name", "value")),
        "input": array(obj({"product_key": STRING, "did": STRING, "prefix": STRING}, ("product_key", "did", "prefix"))),
        "condition": array(array(obj({"left": _OPERAND, "opt": {"enum": list(OPERATORS)}, "right": _OPERAND},
                                     ("left", "opt", "right")))),
        "output": array(array({"oneOf": [
            obj({"type": {"const": "delay"}, "delay": INTEGER}, ("type", "delay")),
            obj({"type": {"const": "devctrl"}, "did": STRING, "attrs": {"type": "object"}}, ("type", "did", "attrs")),
            obj({"type": {"const": "devctrl"}, "did": STRING, "raw": array(INTEGER)}, ("type", "did", "raw")),
        ]})),
    }, ("remark", "name", "did", "interval", "product_key", "event", "output", "input", "rule_id", "condition"),
        description="event_attr only for alert and fault rules"),
}

SPEC: dict[str, dict[str, Any]] = {
    "/app/rules/params": {
        "get": operation(
            "rule_params", "Data points rules can use, per product", tags=_TAGS,
            parameters=[query_param("product_key", "comma-separated product keys; empty: every product (unknown "
                                                   "keys are left out)", STRING)],
            responses={200: json_response({"type": "object", "additionalProperties": array(ref("RuleParam"))},
                                          "product key -> its data points")},
        ),
    },
    "/app/rules": {
        "get": operation("list_rules", "The user's rules", tags=_TAGS, parameters=paging_params(),
                         responses={200: json_response(obj({"rules": array(ref("Rule"))}, ("rules",)))}),
        "post": operation(
            "create_rule", "Create a linkage rule", tags=_TAGS, errors=_FORM_ERRORS, body=json_body(ref("RuleForm")),
            description="The form is checked whole before anything is stored: devices must be the user's (9014, "
                        "9017), product keys known and matching (9002), the event documented (9036), output "
                        "commands valid (9025).",
            responses={200: _RULE_ID_BODY},
        ),
    },
    "/app/rules/{rule_id}": {
        "put": operation("replace_rule", "Replace a linkage rule with the form given", tags=_TAGS,
                         errors=_FORM_ERRORS, parameters=[_RULE_ID], body=json_body(ref("RuleForm")),
                         description=_UNKNOWN_RULE, responses={200: _RULE_ID_BODY}),
        "delete": operation("delete_rule", "Delete a linkage rule", tags=_TAGS, parameters=[_RULE_ID], errors=(9015,),
                            description=_UNKNOWN_RULE, responses={200: _RULE_ID_BODY}),
    },
}
