"""Who may use the admin API: on/off, admin token, never a user token; the CLI's guard."""

from __future__ import annotations

import pytest
from conftest import assert_error, login, user_headers
from starlette.testclient import TestClient

from emulator.admin.access import exposure_problem, is_loopback
from emulator.app import create_app
from emulator.cli import main
from emulator.config import EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud


def app_client(**config: object) -> TestClient:
    return TestClient(create_app(cloud=Cloud(EmulatorConfig(**config))), raise_server_exceptions=False)  # type: ignore[arg-type]


def test_admin_off_means_no_such_route() -> None:
    client = app_client(admin=False)
    assert_error(client.get("/_emulator/clock"), 9999, 404)
    assert client.get("/status").status_code == 200


def test_a_token_protects_the_admin_api_and_a_user_token_is_not_enough() -> None:
    client = app_client(admin_token="s3cret")
    assert_error(client.get("/_emulator/clock"), 9999, 401)
    headers = user_headers(login(client)["token"])
    assert_error(client.get("/_emulator/users", headers=headers), 9999, 401)
    assert_error(client.get("/_emulator/users", headers={"X-Emulator-Admin-Token": "wrong"}), 9999, 401)
    assert client.get("/_emulator/clock", headers={"X-Emulator-Admin-Token": "s3cret"}).status_code == 200
    assert client.get("/_emulator/clock", headers={"Authorization": "Bearer s3cret"}).status_code == 200


def test_the_admin_docs_open_without_the_token_and_nothing_else_does() -> None:
    """A browser cannot send the header: the page describing the admin API and its document open
    without it; Swagger UI's Authorize button then sends the token with the requests tried there."""
    client = app_client(admin_token="s3cret")
    page = client.get("/_emulator/docs")
    assert page.status_code == 200 and "/_emulator/openapi.json" in page.text
    document = client.get("/_emulator/openapi.json").json()
    assert document["components"]["securitySchemes"]["adminToken"]["name"] == "X-Emulator-Admin-Token"
    assert "/_emulator/docs" in document["paths"]
    assert client.post("/_emulator/docs").status_code == 401  # only reading the description is open
    assert_error(client.get("/_emulator/journal"), 9999, 401)
    assert_error(app_client(admin=False).get("/_emulator/docs"), 9999, 404)


def test_the_journal_redacts_the_admin_token_of_emulated_requests() -> None:
    client = app_client(admin_token="s3cret")
    client.get("/status", headers={"X-Emulator-Admin-Token": "s3cret"})
    entries = client.get("/_emulator/journal", headers={"X-Emulator-Admin-Token": "s3cret"}).json()
    assert "s3cret" not in str(entries)


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("::1", True), ("[::1]", True),
                                                 ("localhost", True), ("0.0.0.0", False), ("192.0.2.1", False),
                                                 ("example.test", False)])
def test_loopback_addresses(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_an_open_admin_api_is_refused_off_loopback() -> None:
    assert exposure_problem(EmulatorConfig(host="0.0.0.0")) is not None
    assert exposure_problem(EmulatorConfig(host="0.0.0.0", admin_token="t")) is None
    assert exposure_problem(EmulatorConfig(host="0.0.0.0", admin=False)) is None
    assert exposure_problem(EmulatorConfig(host="127.0.0.1")) is None


def test_the_cli_refuses_to_serve_an_open_admin_api_on_the_network(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "--admin-token" in capsys.readouterr().err


def test_the_cli_parses_admin_options() -> None:
    from emulator.cli import build_parser

    args = build_parser().parse_args(["serve", "--admin", "off", "--admin-token", "t", "--journal-size", "5"])
    assert (args.admin, args.admin_token, args.journal_size) == ("off", "t", 5)


def test_a_served_emulator_guards_its_admin_api_with_the_token() -> None:
    """``gizwits-emulator serve --admin-token``, as a real process on a free port."""
    import re
    import subprocess
    import sys

    import httpx

    process = subprocess.Popen([sys.executable, "-m", "emulator", "serve", "--port", "0", "--admin-token", "t0k",
                                "--fixture", "empty", "--log-level", "warning"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline()]
        while not lines[-1].startswith("Press Ctrl+C"):
            lines.append(process.stdout.readline())
        url = re.search(r"listening on (\S+)", lines[0])
        assert url, lines
        assert "/_emulator/openapi.json (needs X-Emulator-Admin-Token)" in "".join(lines)
        base = url.group(1)
        assert httpx.get(f"{base}/_emulator/clock", timeout=5).status_code == 401
        assert httpx.get(f"{base}/_emulator/clock", headers={"X-Emulator-Admin-Token": "t0k"},
                         timeout=5).status_code == 200
        assert httpx.get(f"{base}/status", timeout=5).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()
