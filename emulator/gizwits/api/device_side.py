"""Routes a device's Wi-Fi module calls: register, provision, deregister, encrypted registration.

Devices speak forms, not JSON (Gizwits' GAgent firmware): requests are
``application/x-www-form-urlencoded`` and successful answers are ``name=value&...`` text:

- ``POST /dev/devices`` ``product_key, mac, passcode[, type]`` -> 201 ``did=<did>``;
- ``GET /dev/devices/{did}`` -> 200 ``host=<m2m host>&port=1883&server_ts=<now>&port_s=8883``
  (GAgent reads ``host`` and ``port``, each followed by ``&``, and ``server_ts``);
- ``DELETE /dev/devices`` ``did, passcode`` -> 200, empty;
- ``POST /dev/{product_key}/device`` ``data=<AES ciphertext of mac=..&passcode=..&type=..&extra=..>``
  -> 201, the ciphertext of ``did=<did>``. Seed 002 does not say how the ciphertext is
  written in the form: hex and base64 are both accepted, and the answer is written the same
  way as the request.

Errors are the usual JSON 9xxx bodies. No application id or token is involved.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from starlette.responses import PlainTextResponse
from starlette.routing import Route

from ..cloud.devicedata import device_side
from ..cloud.devicedata.registry import normalize_mac
from ..errors import ApiError, form_invalid
from .http import Call, endpoint, parse_form, text
from .openapi import form, form_body, operation, path_param, text_field, text_response
from .render import MQTT_PORT, MQTTS_PORT

_MAC = re.compile(r"^[0-9a-f]{12}$")
_HEX = re.compile(r"^([0-9a-fA-F]{2})+$")


def _text(body: str, status: int) -> PlainTextResponse:
    return PlainTextResponse(body, status_code=status)


def _identity(form: dict[str, Any]) -> tuple[str, str, str]:
    """(mac, passcode, type) of a registration form."""
    mac = normalize_mac(text(form, "mac", required=True, max_length=32) or "")
    if not _MAC.match(mac):
        raise form_invalid(f"mac must be 12 hex digits, got {form.get('mac')!r}")
    passcode = text(form, "passcode", required=True, max_length=32, allow_empty=False) or ""
    device_type = text(form, "type", max_length=16) or "normal"
    if device_type not in device_side.DEVICE_TYPES:
        raise form_invalid(f"type must be one of {list(device_side.DEVICE_TYPES)}")
    return mac, passcode, device_type


@endpoint(auth="none", body="form")
def register(call: Call) -> Any:
    product = call.cloud.product(text(call.body, "product_key", required=True, max_length=64, allow_empty=False))
    mac, passcode, device_type = _identity(call.body)
    device = device_side.register(call.cloud, product, mac, passcode, device_type)
    return _text(f"did={device.did}", 201)


@endpoint(auth="none")
def provision(call: Call) -> Any:
    device = device_side.provisioned(call.cloud, call.path("did"))
    host = device.metadata("host")
    return _text(f"host={host}&port={MQTT_PORT}&server_ts={int(call.now)}&port_s={MQTTS_PORT}", 200)


@endpoint(auth="none", body="form")
def deregister(call: Call) -> Any:
    did = text(call.body, "did", required=True, max_length=64) or ""
    passcode = text(call.body, "passcode", required=True, max_length=32) or ""
    device_side.deregister(call.cloud, did, passcode)
    return _text("", 200)


def _ciphertext(data: str) -> tuple[bytes, bool]:
    """(bytes, written as hex) of the ``data`` field."""
    if _HEX.match(data):
        return bytes.fromhex(data), True
    try:
        return base64.b64decode(data.replace(" ", "+").replace("-", "+").replace("_", "/"), validate=True), False
    except ValueError:  # binascii.Error, or text that is not ASCII
        raise form_invalid("data must be the AES ciphertext written in hex or base64") from None


def _encrypted_identity(plaintext: bytes) -> dict[str, Any]:
    try:
        form = parse_form(plaintext)
    except ApiError:
        raise form_invalid("the decrypted data is not a form mac=..&passcode=..&type=..&extra=..") from None
    extra = text(form, "extra", max_length=8) or ""
    if extra and not re.fullmatch(r"[0-9a-fA-F]+", extra):
        raise form_invalid("extra must be a hex string")
    if "type" not in form and extra:
        form["type"] = "center_control" if int(extra[-1], 16) & 1 else "normal"
    return form


@endpoint(auth="none", body="form")
def register_encrypted(call: Call) -> Any:
    product = call.cloud.product(call.path("product_key"))
    ciphertext, as_hex = _ciphertext(text(call.body, "data", required=True, max_length=4096) or "")
    try:
        plaintext = device_side.decrypt(product.secret, ciphertext)
    except device_side.CipherError as error:
        raise form_invalid(f"data does not decrypt with the product secret: {error}") from None
    mac, passcode, device_type = _identity(_encrypted_identity(plaintext))
    device = device_side.register_encrypted(call.cloud, product, mac, passcode, device_type)
    reply = device_side.encrypt(product.secret, f"did={device.did}".encode())
    return _text(reply.hex() if as_hex else base64.b64encode(reply).decode(), 201)


ROUTES = [
    Route("/dev/devices", register, methods=["POST"]),
    Route("/dev/devices", deregister, methods=["DELETE"]),
    Route("/dev/devices/{did}", provision, methods=["GET"]),
    Route("/dev/{product_key}/device", register_encrypted, methods=["POST"]),
]

# -- OpenAPI ------------------------------------------------------------------------------------
_TAGS = ["device side"]
#: What ``normalize_mac`` may turn into 12 hex digits (the pattern does not count them).
_MAC_FIELD = {"type": "string", "maxLength": 32, "pattern": "^[0-9A-Fa-f:\\s-]*$",
              "description": "12 hex digits, any case, \":\" or \"-\" between them (a0b1c2d3e4f5, A0:B1:C2:D3:E4:F5)"}
_TYPE = {"type": "string", "enum": [*device_side.DEVICE_TYPES, ""], "default": "normal", "description": "\"\": normal"}

SPEC: dict[str, dict[str, Any]] = {
    "/dev/devices": {
        "post": operation(
            "register_device", "A device registers and gets its did", tags=_TAGS, errors=(9002, 9048),
            body=form_body(form({"product_key": text_field(64, blank=False), "mac": _MAC_FIELD,
                                 "passcode": text_field(32, blank=False), "type": _TYPE},
                                ("product_key", "mac", "passcode"))),
            description="The same MAC and passcode give the same did again; a new passcode (a reset device) "
                        "gives a new did.",
            responses={201: text_response("did=<did>")},
        ),
        "delete": operation(
            "deregister_device", "A device deregisters its did", tags=_TAGS, errors=(9016, 9048),
            body=form_body(form({"did": text_field(64), "passcode": text_field(32)}, ("did", "passcode"))),
            responses={200: text_response("deregistered (an empty body)")},
        ),
    },
    "/dev/devices/{did}": {
        "get": operation(
            "provision_device", "A device asks for its M2M server", tags=_TAGS, errors=(9014, 9048),
            parameters=[path_param("did", "device id")],
            responses={200: text_response("host=<host>&port=1883&server_ts=<unix time>&port_s=8883")},
        ),
    },
    "/dev/{product_key}/device": {
        "post": operation(
            "register_device_encrypted", "A device registers with an encrypted form", tags=_TAGS, errors=(9002,),
            parameters=[path_param("product_key", "product key")],
            body=form_body(form({"data": {**text_field(4096), "description": (
                "AES-128-ECB (PKCS#7, key = product secret) ciphertext of mac=..&passcode=..&type=..&extra=.., "
                "in hex or base64")}}, ("data",))),
            responses={201: text_response("AES-128-ECB ciphertext of did=<did>, in hex or base64 like the request")},
        ),
    },
}
