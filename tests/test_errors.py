"""The 9xxx error table and its rendering."""

from __future__ import annotations

import re

from conftest import APP_HEADERS, assert_error, requires_shared

from emulator.gizwits.errors import ERRORS, ApiError, error_body


def test_every_code_of_both_docs_is_in_the_table_with_the_old_docs_status() -> None:
    old_doc = requires_shared("seeds", "002_ff47843d202d0c79.txt").read_text(encoding="utf-8")
    rows = re.findall(r"^\|\s+(\d{3}|xxx) \| (9\d{3}) \| (.+?)\s*\|$", old_doc, re.MULTILINE)
    assert len(rows) >= 48
    for status, code, message in rows:
        spec = ERRORS[int(code)]
        if status != "xxx":
            assert spec.status == int(status), code
        assert spec.message.replace(" ", "") == message.replace(" ", "") or int(code) in (9033, 9038)
    new_doc = requires_shared("seeds", "001_5989d6c0f9fddf78.txt").read_text(encoding="utf-8")
    names = re.findall(r"^\| (9\d{3})\s+\| (GIZ_OPENAPI_\w+)", new_doc, re.MULTILINE)
    assert len(names) >= 60
    for code, name in names:
        assert ERRORS[int(code)].name == name


def test_codes_missing_from_the_old_doc_default_to_http_400() -> None:
    for code in (9080, 9081, 9084, 9092, 9093, 9101):
        assert ERRORS[code].status == 400


def test_error_body_has_exactly_three_keys() -> None:
    assert error_body(9015) == {"error_message": "form invalid!", "error_code": 9015, "detail_message": None}
    error = ApiError(9025, "mode: bad")
    assert error.status == 400 and error.body()["detail_message"] == "mode: bad"
    assert ApiError(9017).status == 401
    assert ApiError(9041).status == 429


def test_get_errors_lists_every_code_with_its_status(client) -> None:
    response = client.get("/errors", headers=APP_HEADERS)
    assert response.status_code == 200
    listing = {item["error_code"]: item for item in response.json()}
    assert set(listing) == set(ERRORS)
    assert listing[9014] == {"status": 404, "error_message": "device not found!", "error_code": 9014}


def test_status_reports_the_api_version(client) -> None:
    response = client.get("/status")
    assert response.status_code == 200
    assert response.json() == {"status": {"version": "2.36.0"}}


def test_unknown_route_and_method_get_the_error_shape(client) -> None:
    body = assert_error(client.get("/app/not-a-route", headers=APP_HEADERS), 9999, 404)
    assert "/app/not-a-route" in body["detail_message"]
    assert_error(client.patch("/app/login", headers=APP_HEADERS), 9999, 405)


def test_a_concrete_path_wins_over_a_template(client) -> None:
    """As in OpenAPI: PUT /app/rules/params is a method /app/rules/params does not answer, not a
    PUT /app/rules/{rule_id} with rule_id "params"."""
    response = client.put("/app/rules/params", headers=APP_HEADERS, json={})
    assert_error(response, 9999, 405)
    assert response.headers["allow"] == "GET, HEAD"
    assert_error(client.put("/app/rules/abc", headers=APP_HEADERS, json={}), 9004, 400)  # the template's route
