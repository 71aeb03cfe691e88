"""``gizwits-emulator``: the command line.

``gizwits-emulator serve`` starts a local Gizwits cloud with the demo account and devices,
prints how to use it, then logs one line per request (``--tls``, ``--real-ports``, ``--dns``:
:mod:`emulator.dropin.command`). ``gizwits-emulator env --url URL`` prints the ``export`` lines
that send unmodified processes to it. The commands that drive a running emulator (``clock``,
``press``, ``offline``, ``online``, ``reset``, ``journal``) live in :mod:`emulator.cli_remote`;
every option can also come from the environment (:mod:`emulator.cli_env`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import shlex
import signal
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from . import __version__, cli_remote, request_log
from .admin.access import ADMIN_PREFIX, DASHBOARD_PATH, exposure_problem
from .cli_env import PREFIX, from_environment
from .config import DEFAULT_TOKEN_TTL, HEATZY_APP_ID, EmulatorConfig
from .dropin.command import DropInError, add_env_command, add_serve_options, prepare, run_env
from .dropin.listeners import ListenError
from .server import SERVERS, bind_socket

if TYPE_CHECKING:
    from .gizwits.cloud.cloud import Cloud

# The clouds, the app and the state file are imported by ``serve`` alone: the commands that only
# call a running emulator (clock, press, env, ...) start without loading them.

LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gizwits-emulator", description="An offline Gizwits / Heatzy cloud.",
        epilog=f"Every serve option, and --url / --admin-token of the other commands, can also be set in the "
               f"environment: {PREFIX}<OPTION> (e.g. {PREFIX}PORT=9000); the command line wins. "
               "`gizwits-emulator COMMAND --help` lists them.")
    parser.add_argument("--version", action="version", version=f"gizwits-emulator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = sub.add_parser(
        "serve", help="run the emulated cloud over HTTP", description="Run the emulated cloud over HTTP.",
        epilog=f"Each option can also come from the environment variable named after it ([env ...]); the "
               f"command line wins. Example: {PREFIX}PORT=9000 {PREFIX}FIXTURE=empty gizwits-emulator serve")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    serve.add_argument("--server", choices=SERVERS, default="uvicorn", help="HTTP server (default uvicorn)")
    serve.add_argument("--fixture", default="demo", help="scenario: demo, empty, or a path to a JSON file")
    serve.add_argument("--seed", type=int, default=1, help="seed for generated ids (default 1)")
    serve.add_argument("--token-ttl", type=int, default=DEFAULT_TOKEN_TTL,
                       help=f"user token lifetime in seconds (default {DEFAULT_TOKEN_TTL}, 7 days)")
    serve.add_argument("--admin", choices=("on", "off"), default="on",
                       help="the test control plane under /_emulator (default on)")
    serve.add_argument("--admin-token", default=None,
                       help="require this token (X-Emulator-Admin-Token) for the admin API; "
                            "needed to serve it on a non-loopback address")
    serve.add_argument("--speed", type=float, default=None, metavar="FACTOR",
                       help="run the emulator's clock FACTOR times faster than real time, from now "
                            "(e.g. 3600: an hour a second, to watch programs and countdowns)")
    serve.add_argument("--journal-size", type=int, default=10_000,
                       help="requests the journal keeps (default 10000)")
    serve.add_argument("--ws-heartbeat-timeout", type=float, default=180.0, metavar="SECONDS",
                       help="WebSocket sessions without a ping for this long (real time) get 1011 "
                            "\"No heartbeat!\" and are closed (default 180, as the real cloud)")
    serve.add_argument("--journal-bytes", type=int, default=64 * 1024 * 1024, metavar="BYTES",
                       help="bytes the journal's entries may hold in all (default 64 MiB)")
    serve.add_argument("--admin-max-body-bytes", type=int, default=256 * 1024 * 1024, metavar="BYTES",
                       help="largest document the admin API takes: a snapshot, a fixture (default 256 MiB)")
    serve.add_argument("--header-timeout", type=float, default=10.0, metavar="SECONDS",
                       help="close a connection that sends no whole request head within this (default 10)")
    serve.add_argument("--keep-alive-timeout", type=float, default=5.0, metavar="SECONDS",
                       help="close an idle keep-alive connection after this (default 5)")
    serve.add_argument("--max-connections", type=int, default=None, metavar="N",
                       help="connections open at once; past it the longest idle one is closed "
                            "(default: the file descriptor limit less 64)")
    serve.add_argument("--shutdown-timeout", type=float, default=3.0, metavar="SECONDS",
                       help="on SIGTERM or Ctrl+C, requests in flight get this long to finish (default 3)")
    serve.add_argument("--state", default=None, metavar="PATH",
                       help="keep the whole world in this SQLite file: loaded when it exists (the fixture is "
                            "then ignored), saved before every answer (docs/durable-state.md)")
    serve.add_argument("--state-sync", choices=("normal", "full"), default="normal",
                       help="normal: an answered write survives any end of the process (kill -9); full: "
                            "a power cut too, at one disk sync per answer (default normal)")
    serve.add_argument("--log-level", default="info", choices=LOG_LEVELS,
                       help="the least severe message printed, the servers' own and the emulator's (default info: "
                            "one line per request; warning and above hide the request lines, debug adds the "
                            "servers' own debug messages)")
    serve.add_argument("--quiet", "-q", action="store_true",
                       help="no request lines (warnings and errors are still printed)")
    add_serve_options(serve)
    # After the last serve option: each gets its environment variable.
    from_environment(serve)
    add_env_command(sub)
    cli_remote.add_commands(sub)
    return parser


#: Devices the banner lists.
BANNER_DEVICES = 20


def local_url(base_url: str) -> str:
    """The address to use from this machine: a server on every address (0.0.0.0, ::) is on loopback too."""
    return base_url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:")


def try_command(base_url: str, accounts: list[dict[str, str]], ca_file: str | None = None) -> str:
    """A shell command that works as pasted: log in as the scenario's first account (or create a user);
    over TLS it trusts the emulator's authority (``ca_file``)."""
    header = shlex.quote(f"X-Gizwits-Application-Id: {HEATZY_APP_ID}")
    curl = f"curl -s --cacert {shlex.quote(ca_file)}" if ca_file else "curl -s"
    if accounts:
        login = accounts[0].get("email") or accounts[0].get("username") or accounts[0].get("phone")
        body = json.dumps({"username": login, "password": accounts[0]["password"]}, ensure_ascii=False)
        return f"{curl} -H {header} {base_url}/app/login -d {shlex.quote(body)}"
    body = json.dumps({"username": "me", "password": "my-password"})
    return f"{curl} -H {header} {base_url}/app/users -d {shlex.quote(body)}"


def banner(cloud: Cloud, base_url: str, extra: list[str] | None = None, ca_file: str | None = None) -> str:
    from .gizwits.cloud.scenario import scenario_document
    from .gizwits.hosts import WEBSOCKET_PATH

    here = local_url(base_url)
    document = scenario_document(cloud.config.fixture)
    accounts = [u for u in document.get("users", []) if u.get("password")]
    lines = [
        f"Gizwits emulator listening on {base_url}",
        f"  application id   {HEATZY_APP_ID}   (X-Gizwits-Application-Id)",
        f"  try              {try_command(here, accounts, ca_file)}",
        f"  API docs         {here}/docs",
    ]
    if cloud.config.admin:
        guarded = " (needs X-Emulator-Admin-Token)" if cloud.config.admin_token else ""
        lines.append(f"  admin API        {here}{ADMIN_PREFIX}/openapi.json{guarded}")
        lines.append(f"  admin API docs   {here}{ADMIN_PREFIX}/docs")
        lines.append(f"  dashboard        {here}{DASHBOARD_PATH}")
    lines.append(f"  WebSocket        {here.replace('http', 'ws', 1)}{WEBSOCKET_PATH}")
    if accounts:
        lines.append("  accounts")
        for item in accounts:
            lines.append(f"    {item.get('email') or item.get('username'):<24} password: {item['password']}")
    # The first devices only: a world loaded from a state file may hold a large fleet.
    devices = cloud.devices.oldest(BANNER_DEVICES)
    if devices:
        lines.append("  devices")
        for device in devices:
            owners = [b for b in cloud.bindings.of_device(device.did)]
            alias = owners[0].dev_alias if owners else "(unbound)"
            owner = ", ".join(cloud.users.get(b.uid).email or b.uid for b in owners if cloud.users.get(b.uid))
            lines.append(f"    {device.product.name:<14} {device.did}  mac {device.mac}  "
                         f"{alias!r}{'  -> ' + owner if owner else ''}")
        if len(cloud.devices) > len(devices):
            lines.append(f"    ... and {len(cloud.devices) - len(devices)} more (GET /_emulator/devices)")
    lines.extend(ewelink_banner(cloud, base_url))
    lines.extend(extra or [])
    lines.append("Press Ctrl+C to stop. Requests are logged below, one line each (--quiet: not logged).")
    return "\n".join(lines)


def ewelink_banner(cloud: Cloud, base_url: str) -> list[str]:
    """The eWeLink section of the banner: apps, accounts, devices."""
    from .ewelink.regions import WS_PATH as EWELINK_WS_PATH

    ewelink = cloud.world.part("ewelink")
    if ewelink is None or not (list(ewelink.apps) or list(ewelink.accounts)):
        return []
    lines = [f"eWeLink (CoolKit API v2) on the same server: {base_url}/v2/...  (document: {base_url}/v2/openapi.json)",
             f"  WebSocket        {local_url(base_url).replace('http', 'ws', 1)}{EWELINK_WS_PATH}"]
    for app in ewelink.apps:
        lenient = "   (lenient: signatures not checked)" if app.lenient else ""
        lines.append(f"  app id           {app.appid}   app secret {app.secret}{lenient}")
    accounts = list(ewelink.accounts)
    if accounts:
        lines.append("  accounts")
        for account in accounts:
            lines.append(f"    {account.account:<24} password: {account.password}   region {account.region}")
    devices = sorted(ewelink.devices, key=lambda d: d.created_at)
    if devices:
        lines.append("  devices")
        for device in devices:
            thing = ewelink.things.get(device.did)
            owner = ewelink.accounts.get(thing.owner) if thing else None
            name = repr(thing.name) if thing else "(not added: POST /v2/device/add)"
            lines.append(f"    UIID {device.uiid:<4} {device.family.product_model:<10} {device.did}  {name}"
                         f"{'  -> ' + owner.account if owner else ''}")
    return lines


def serve(args: argparse.Namespace) -> int:
    from .app import create_app
    from .core.durable import StateFileError
    from .gizwits.cloud.cloud import Cloud
    from .gizwits.cloud.scenario import ScenarioError

    config = EmulatorConfig(host=args.host, port=args.port, server=args.server, fixture=args.fixture,
                            seed=args.seed, token_ttl=args.token_ttl, admin=args.admin == "on",
                            admin_token=args.admin_token, journal_size=max(args.journal_size, 1),
                            ws_heartbeat_timeout=args.ws_heartbeat_timeout,
                            journal_bytes=max(args.journal_bytes, 1),
                            admin_max_body_bytes=max(args.admin_max_body_bytes, 1),
                            header_timeout=max(args.header_timeout, 0.1),
                            keep_alive_timeout=max(args.keep_alive_timeout, 0.1),
                            max_connections=args.max_connections,
                            shutdown_timeout=max(args.shutdown_timeout, 0.0))
    if args.ws_heartbeat_timeout <= 0:
        print("gizwits-emulator: --ws-heartbeat-timeout must be positive", file=sys.stderr)
        return 2
    problem = exposure_problem(config)
    if problem:
        print(f"gizwits-emulator: {problem}", file=sys.stderr)
        return 2
    try:
        cloud = Cloud(config)
    except ScenarioError as error:
        print(f"gizwits-emulator: cannot load the scenario {error.source}:", file=sys.stderr)
        for line in error.lines():
            print(f"  {line}", file=sys.stderr)
        return 2
    app = create_app(config, cloud)  # attaches every cloud to the world: the state file keeps them all
    if args.state is not None:
        try:
            loaded = cloud.keep_state(args.state, sync=args.state_sync)
        except StateFileError as error:
            print(f"gizwits-emulator: {error}", file=sys.stderr)
            return 2
        print(f"state file {args.state}: {'world loaded' if loaded else 'new, the fixture saved in it'}", flush=True)
    if args.speed is not None:
        if args.speed <= 0:
            print("gizwits-emulator: --speed must be positive", file=sys.stderr)
            return 2
        cloud.clock.set_speed(args.speed)
    try:
        sock = bind_socket(args.host, args.port)
    except OSError as error:
        print(f"gizwits-emulator: cannot listen on {args.host}:{args.port}: {error}", file=sys.stderr)
        return 2
    try:
        serving = prepare(args, sock)
    except (DropInError, ListenError) as error:
        print(f"gizwits-emulator: {error}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    base_url = f"{serving.scheme}://{shown}:{port}"

    def started() -> None:
        ca_file = str(serving.ca_file) if serving.ca_file is not None else None
        print(banner(cloud, base_url, serving.banner_lines(base_url), ca_file), flush=True)

    request_log.configure(args.log_level, quiet=args.quiet)
    # SIGTERM ends the process like Ctrl+C: the servers stop gracefully, then the state file is closed.
    # (uvicorn raises the signal again once it has stopped; this handler makes that a clean exit.)
    signal.signal(signal.SIGTERM, _interrupt)
    # What start-up made (modules, routes, the loaded world) lives as long as the process: frozen out of
    # the garbage collector's passes, which walked it all on every full collection (a pause of tens of
    # ms for every request in flight, the answers' p99).
    gc.freeze()
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(serving.run(args.server, app, started, log_level=args.log_level))
    finally:
        cloud.durable.close()
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "env":
        return run_env(args)
    return cli_remote.run(args)


if __name__ == "__main__":
    raise SystemExit(main())
