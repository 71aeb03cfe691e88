"""``gizwits-emulator clock | press | offline | online | reset | journal``: drive a running emulator from a shell.

Each command is a call to the admin API (``/_emulator``) of the emulator at ``--url``
(default: the local server, ``http://127.0.0.1:8000``, or the port ``GIZWITS_EMULATOR_PORT``
names), with ``--admin-token`` when the server wants one. Both options can come from the
environment (``GIZWITS_EMULATOR_URL``, ``GIZWITS_EMULATOR_ADMIN_TOKEN``)::

    gizwits-emulator clock advance 2h        # also: clock freeze 2025-01-06T07:00:00Z | speed 60 | real
    gizwits-emulator press <did> eco         # or: press <did> mode=eco lock_switch=1
    gizwits-emulator offline <did>           # and: online <did>
    gizwits-emulator reset --fixture empty
    gizwits-emulator journal --follow

Exit status: 0 done, 1 the emulator refused (its 9xxx error is printed) or could not be
reached, 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from .admin.access import ADMIN_PREFIX, TOKEN_HEADER
from .cli_env import PREFIX, from_environment
from .core.journal import Entry
from .request_log import request_line, wants_colour

#: How often ``journal --follow`` asks for new entries: a client's polling timer, on real time.
POLL_SECONDS = 0.5
#: How long one call may take (an ``advance`` over months runs every event on the way).
TIMEOUT_SECONDS = 60.0
#: The options every remote command takes, and the only ones read from the environment.
CONNECTION_OPTIONS = ("--url", "--admin-token")


class RemoteError(Exception):
    """The emulator refused, or could not be reached: the message says what to do."""


def default_url() -> str:
    return f"http://127.0.0.1:{os.environ.get(PREFIX + 'PORT') or 8000}"


class Admin:
    """The admin API of one running emulator."""

    def __init__(self, url: str, token: str | None) -> None:
        self.url = url.rstrip("/")
        headers = {TOKEN_HEADER: token} if token else {}
        self._client = httpx.Client(base_url=self.url + ADMIN_PREFIX, headers=headers, timeout=TIMEOUT_SECONDS)

    def close(self) -> None:
        self._client.close()

    def call(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        try:
            response = self._client.request(method, path, json=body, params=params)
        except httpx.TransportError as error:
            raise RemoteError(f"no emulator answers at {self.url} ({error}): start one with "
                              "`gizwits-emulator serve`, or give --url") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.status_code == 401:
            raise RemoteError(f"the admin API at {self.url} wants its token: give --admin-token TOKEN "
                              f"(or set {PREFIX}ADMIN_TOKEN)")
        if response.status_code >= 400:
            if isinstance(answer, dict) and answer.get("error_code") == 9999 and response.status_code == 404:
                raise RemoteError(f"{self.url} has no admin API (it was started with --admin off?)")
            if isinstance(answer, dict) and "error_code" in answer:
                detail = answer.get("detail_message") or answer.get("error_message")
                raise RemoteError(f"the emulator refused ({answer['error_code']}): {detail}")
            raise RemoteError(f"the emulator answered {response.status_code}: {response.text[:200]}")
        return answer


# -- the commands ---------------------------------------------------------------------------------
def duration_text(seconds: float) -> str:
    """``93784`` -> ``1d2h3m4s`` (the spelling ``clock advance`` takes)."""
    left, text = round(seconds), ""
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        amount, left = divmod(left, size)
        if amount:
            text += f"{amount}{unit}"
    return text or "0s"


def describe_clock(clock: dict[str, Any]) -> str:
    mode = clock.get("mode")
    now = str(clock.get("iso", "")).replace("+00:00", "Z")
    if mode == "frozen":
        return f"clock frozen at {now}"
    if mode == "offset":
        offset = float(clock.get("offset", 0))
        return f"clock {duration_text(abs(offset))} {'ahead of' if offset >= 0 else 'behind'} real time: {now}"
    if mode == "speed":
        return f"clock running {clock.get('speed', 1):g} times real time: {now}"
    return f"clock real: {now}"


def clock_body(action: str, value: str | None) -> dict[str, Any]:
    """The admin API's clock request for ``clock ACTION [VALUE]``; a number is sent as a number
    (seconds, Unix seconds or a factor), anything else as written (``2h``, an ISO 8601 instant)."""
    if action == "real":
        if value is not None:
            raise RemoteError("clock real takes no value")
        return {"real": True}
    if value is None:
        if action == "freeze":
            return {"freeze": True}  # at the emulator's now
        raise RemoteError(f"clock {action} needs a value, e.g. {_CLOCK_EXAMPLES[action]}")
    try:
        number: Any = float(value)
    except ValueError:
        if action == "speed":
            raise RemoteError(f"clock speed takes a factor, e.g. 60 (got {value!r})") from None
        return {action: value}
    return {action: int(number) if number.is_integer() else number}


_CLOCK_EXAMPLES = {"advance": "`clock advance 2h`", "offset": "`clock offset -- -1d`", "speed": "`clock speed 60`"}


def clock(admin: Admin, args: argparse.Namespace) -> str:
    if args.action is None:
        return describe_clock(admin.call("GET", "/clock"))
    return describe_clock(admin.call("POST", "/clock", clock_body(args.action, args.value)))


def press_changes(values: list[str]) -> dict[str, Any]:
    """``["eco"]`` -> ``{"mode": "eco"}``; ``["lock_switch=1", "mode=eco"]`` -> those, each value
    as JSON when it parses (``1``, ``true``) and as text otherwise."""
    if len(values) == 1 and "=" not in values[0]:
        return {"mode": values[0]}
    changes: dict[str, Any] = {}
    for item in values:
        name, equals, raw = item.partition("=")
        if not equals or not name:
            raise RemoteError(f"press takes a mode (`press DID eco`) or name=value pairs, got {item!r}")
        try:
            changes[name] = json.loads(raw)
        except ValueError:
            changes[name] = raw
    return changes


def press(admin: Admin, args: argparse.Namespace) -> str:
    changed = admin.call("POST", f"/devices/{args.did}/press", press_changes(args.changes))["changed"]
    if not changed:
        return f"{args.did}: nothing changed (already so, or the device's buttons are locked)"
    return f"{args.did}: " + ", ".join(f"{name}={json.dumps(value, ensure_ascii=False)}"
                                       for name, value in changed.items())


def online(admin: Admin, args: argparse.Namespace) -> str:
    answer = admin.call("POST", f"/devices/{args.did}/online", {"online": args.online})
    return f"{answer['did']}: {'online' if answer['is_online'] else 'offline'}"


def reset(admin: Admin, args: argparse.Namespace) -> str:
    body: dict[str, Any] = {}
    if args.fixture is not None:
        # A local file is named by its absolute path: the server reads it (it runs here by default).
        local = Path(args.fixture)
        body["fixture"] = str(local.resolve()) if local.is_file() else args.fixture
    if args.seed is not None:
        body["seed"] = args.seed
    answer = admin.call("POST", "/reset", body)
    return f"reset to {answer['fixture']} (seed {answer['seed']})"


_ENTRY_FIELDS = set(Entry.__struct_fields__)


def entry_of(item: dict[str, Any]) -> Entry:
    return Entry(**{k: v for k, v in item.items() if k in _ENTRY_FIELDS})


def journal(admin: Admin, args: argparse.Namespace) -> str | None:
    params = {k: v for k, v in (("method", args.method), ("path", args.path), ("did", args.did),
                                ("status", args.status), ("limit", args.limit)) if v is not None}
    colour = not args.json and wants_colour(sys.stdout)
    last = 0
    while True:
        for item in admin.call("GET", "/journal", params=params):
            print(json.dumps(item, ensure_ascii=False) if args.json else request_line(entry_of(item), colour=colour),
                  flush=True)
            last = max(last, item["id"])
        if not args.follow:
            return None
        params = {**params, "after": last}
        params.pop("limit", None)
        time.sleep(POLL_SECONDS)


# -- the parsers ----------------------------------------------------------------------------------
Handler = Callable[[Admin, argparse.Namespace], "str | None"]


def add_commands(sub: Any) -> None:
    """Add the remote commands to the CLI's subparsers (``sub``: ``add_subparsers()``'s result)."""
    connection = argparse.ArgumentParser(add_help=False)
    connection.add_argument("--url", default=default_url(),
                            help=f"the emulator to drive (default {default_url()}, the local server)")
    connection.add_argument("--admin-token", default=None,
                            help="the admin token the server was started with (--admin-token)")

    def command(name: str, handler: Handler, help_text: str, **options: Any) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, parents=[connection], help=help_text, description=help_text, **options)
        parser.set_defaults(remote=handler)
        from_environment(parser, only=CONNECTION_OPTIONS)
        return parser

    timer = command("clock", clock, "show or set a running emulator's clock",
                    epilog="examples: clock | clock advance 2h | clock advance 1d12h | clock freeze "
                           "2025-01-06T07:00:00Z | clock freeze | clock speed 60 | clock offset -- -1d | clock real")
    timer.add_argument("action", nargs="?", choices=("advance", "freeze", "speed", "offset", "real"),
                       help="advance DURATION (events due on the way run in order), freeze [INSTANT], "
                            "speed FACTOR, offset DURATION, real")
    timer.add_argument("value", nargs="?", help="a duration (90, 2h, 1d12h), an instant (ISO 8601 or Unix "
                                                "seconds) or a factor")

    button = command("press", press, "press a device's own buttons (a local change the device reports)",
                     epilog="examples: press DID eco | press DID mode=cft lock_switch=1")
    button.add_argument("did")
    button.add_argument("changes", nargs="+", metavar="MODE|NAME=VALUE")

    for name, state in (("offline", False), ("online", True)):
        connect = command(name, online, f"take a device {name}" if not state else "bring a device back online")
        connect.add_argument("did")
        connect.set_defaults(online=state)

    again = command("reset", reset, "put a running emulator back to its fixture (or another), clock real, "
                                    "no faults, journal emptied")
    again.add_argument("--fixture", default=None, help="demo, empty, or a JSON file (read by the server)")
    again.add_argument("--seed", type=int, default=None, help="seed for generated ids")

    log = command("journal", journal, "print the requests a running emulator received, one line each")
    log.add_argument("--follow", "-f", action="store_true", help="keep printing new requests as they come")
    log.add_argument("--limit", type=int, default=None, help="only the last N")
    log.add_argument("--method", default=None)
    log.add_argument("--path", default=None, help="a glob, e.g. /app/control/*")
    log.add_argument("--did", default=None)
    log.add_argument("--status", type=int, default=None)
    log.add_argument("--json", action="store_true", help="one JSON object per line, every field")


def run(args: argparse.Namespace) -> int:
    """Run the remote command ``args`` names; print its result or what went wrong."""
    admin = Admin(args.url, args.admin_token)
    try:
        shown = args.remote(admin, args)
    except RemoteError as error:
        print(f"gizwits-emulator: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:  # journal --follow ends with Ctrl+C
        return 0
    finally:
        admin.close()
    if shown:
        print(shown)
    return 0
