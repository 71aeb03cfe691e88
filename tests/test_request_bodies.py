"""Bodies are JSON whatever the content type; anything else is 9015 with a useful detail."""

from __future__ import annotations

import pytest
from conftest import APP_HEADERS, assert_error

CREDENTIALS = '{"username": "demo@heatzy.test", "password": "heatzy-demo"}'


def test_json_sent_as_text_plain_is_accepted(client) -> None:
    headers = {**APP_HEADERS, "Content-Type": "text/plain"}
    assert client.post("/app/login", headers=headers, content=CREDENTIALS).status_code == 200


def test_json_sent_without_content_type_is_accepted(client) -> None:
    assert client.post("/app/login", headers=APP_HEADERS, content=CREDENTIALS.encode()).status_code == 200


def test_malformed_json_is_9015_with_the_parse_error(client) -> None:
    body = assert_error(client.post("/app/login", headers=APP_HEADERS, content="{'username': 1"), 9015, 400)
    assert "not valid JSON" in body["detail_message"]


def test_a_body_that_is_not_an_object_is_9015(client) -> None:
    body = assert_error(client.post("/app/login", headers=APP_HEADERS, content="[1, 2]"), 9015, 400)
    assert "JSON object" in body["detail_message"]


def test_missing_body_and_missing_fields_are_9015(client) -> None:
    assert_error(client.post("/app/login", headers=APP_HEADERS), 9015, 400)
    body = assert_error(client.post("/app/login", headers=APP_HEADERS, json={"username": "x"}), 9015, 400)
    assert body["detail_message"] == "password is required"


def test_wrong_types_are_9015_naming_the_field(client) -> None:
    body = assert_error(client.post("/app/login", headers=APP_HEADERS, json={"username": 5, "password": "x"}),
                        9015, 400)
    assert body["detail_message"] == "username must be a string, got int"


def test_bodies_over_the_limit_are_9015(client, cloud) -> None:
    big = '{"username": "' + "x" * (cloud.config.max_body_bytes + 10) + '", "password": "p"}'
    body = assert_error(client.post("/app/login", headers=APP_HEADERS, content=big), 9015, 400)
    assert "larger than" in body["detail_message"]


def test_invalid_utf8_and_deep_nesting_are_9015(client) -> None:
    assert_error(client.post("/app/login", headers=APP_HEADERS, content=b'{"username": "\xff"}'), 9015, 400)
    deep = "[" * 100_000 + "]" * 100_000
    assert_error(client.post("/app/login", headers=APP_HEADERS, content=deep), 9015, 400)


@pytest.mark.parametrize("number", [b"NaN", b"Infinity", b"-Infinity", b"1e400", b"-1e400"])
def test_numbers_json_cannot_carry_are_9015(client, number: bytes) -> None:
    """Python's parser takes them, but no answer could carry them back (a stored NaN would break every
    later listing of what holds it)."""
    body = b'{"username": "demo@heatzy.test", "password": "x", "lang": ' + number + b"}"
    assert_error(client.post("/app/login", headers=APP_HEADERS, content=body), 9015, 400)
