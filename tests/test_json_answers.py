"""The emulator's JSON answers (orjson) are byte for byte what Starlette's JSONResponse renders: key
order, no spaces, non-ASCII text as UTF-8; what orjson cannot take falls back to the standard library."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.responses import JSONResponse as StarletteJSONResponse
from starlette.testclient import TestClient

from emulator.app import create_app
from emulator.config import HEATZY_APP_ID
from emulator.responses import JSONResponse, render_json

VALUES: list[Any] = [
    {"b": 1, "a": [True, False, None], "c": {"z": "", "y": 0}},
    {"mode": "舒适", "alias": "Chambre bébé", "emoji": "🔥", "separators": "\u2028\u2029", "quote": "\"\\/<>&"},
    {"floats": [0.1, 1.5, 100.0, 1e16, -0.0, 123456789.123], "ints": [0, -1, 2**63 - 1, -(2**63)]},
    {"big": 2**70},  # beyond 64 bits: orjson refuses, the standard library renders it
    {1: "int key", "s": "str key"},  # non-string keys: the standard library's spelling
    [],
    "text",
    None,
]


@pytest.mark.parametrize("value", VALUES)
def test_rendering_is_the_standard_one(value: Any) -> None:
    assert render_json(value) == StarletteJSONResponse(value).body
    assert JSONResponse(value).body == StarletteJSONResponse(value).body


def test_what_the_standard_library_refuses_is_still_refused() -> None:
    with pytest.raises(TypeError):
        render_json({"set": {1, 2}})
    with pytest.raises(UnicodeEncodeError):
        render_json({"surrogate": "\ud800"})


def test_a_device_answer_is_rendered_as_before() -> None:
    with TestClient(create_app()) as client:
        headers = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
        login = client.post("/app/login", headers=headers, json={"username": "demo@heatzy.test",
                                                                  "password": "heatzy-demo"})
        headers["X-Gizwits-User-token"] = login.json()["token"]
        for device in client.get("/app/bindings", headers=headers).json()["devices"]:
            answer = client.get(f"/app/devdata/{device['did']}/latest", headers=headers)
            assert answer.status_code == 200
            assert answer.content == StarletteJSONResponse(answer.json()).body
