"""Benchmark of the durable state (``serve --state PATH``): prints a table, with ratios against baselines.

Measures, each against a baseline measured in the same run, on real processes:

- control throughput (``POST /app/control/{did}``, modes alternating, keep-alive clients)
  of a server with a state file, against the same server in memory (target: ratio >= 0.5);
- restart time with a world of ``--devices`` devices (100,000 by default, 100 per user,
  all bound): from starting ``serve --state PATH`` on the file to its first answer
  (target <= 5 s; the median of three); baseline: starting ``serve`` in memory with the
  empty fixture (three, in turns);
- control throughput on that large world with its state file, against the demo world with
  a state file: the cost of a commit does not grow with the world (ratio ~1).

The load comes from ``wrk`` when it is installed (a Lua script alternates the modes),
else from Python threads with httpx (slower clients: lower numbers, same ratios).

Run: ``python bench/durability.py [--devices 100000] [--seconds 5]``. Exits 0 whatever the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud

APP = {"X-Gizwits-Application-Id": HEATZY_APP_ID}
WRK_SCRIPT = """
local modes = {"eco", "cft", "fro"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("POST", nil, nil, '{"attrs": {"mode": "' .. modes[n % 3 + 1] .. '"}}')
end
"""


@contextmanager
def serving(*options: str) -> Iterator[tuple[str, float]]:
    """A ``serve`` process; yields its URL and the seconds from start to its first answer."""
    begun = time.perf_counter()
    # Bytecode caching on, as an installed package starts (compiling the sources is a first-run cost
    # only; the first servers started here write the caches the later ones read), as in cold_start.py.
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    process = subprocess.Popen([sys.executable, "-m", "emulator", "serve", "--port", "0", "--log-level", "warning",
                                *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    url = None
    for line in process.stdout:
        match = re.search(r"listening on (http://\S+)", line)
        if match:
            url = match.group(1)
            break
    if url is None:
        process.wait()
        raise RuntimeError("the server did not start")
    threading.Thread(target=process.stdout.read, daemon=True).start()
    httpx.get(f"{url}/status", timeout=600)
    started = time.perf_counter() - begun
    try:
        yield url, started
    finally:
        process.terminate()
        process.wait(timeout=60)


def login(url: str, username: str, password: str) -> dict[str, str]:
    token = httpx.post(f"{url}/app/login", headers=APP, json={"username": username, "password": password},
                       timeout=60).json()["token"]
    return {**APP, "X-Gizwits-User-token": token}


def first_pilote(url: str, headers: dict[str, str]) -> str:
    devices = httpx.get(f"{url}/app/bindings?limit=20", headers=headers, timeout=600).json()["devices"]
    return next(d["did"] for d in devices if d["product_name"] == "Pilote2")


def throughput(url: str, headers: dict[str, str], did: str, seconds: float) -> float:
    """Controls answered per second, 8 keep-alive clients."""
    target = f"{url}/app/control/{did}"
    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(WRK_SCRIPT)
        command = ["wrk", "-t2", "-c8", f"-d{max(1, round(seconds))}s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, target], capture_output=True, text=True, check=True).stdout
        os.unlink(script.name)
        return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    done = [0] * 8
    deadline = time.perf_counter() + seconds

    def client(number: int) -> None:
        with httpx.Client(headers=headers) as http:
            while time.perf_counter() < deadline:
                mode = ("eco", "cft", "fro")[done[number] % 3]
                if http.post(target, json={"attrs": {"mode": mode}}).status_code == 200:
                    done[number] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def large_world(path: Path, devices: int) -> tuple[float, float]:
    """A state file holding ``devices`` devices, 100 per user; seconds to build it and to write it."""
    begun = time.perf_counter()
    cloud = Cloud(EmulatorConfig(fixture="empty"))
    product = cloud.catalog.by_name("Pilote2")
    users = [cloud.users.create(HEATZY_APP_ID, cloud.now(), email=f"user{n}@fleet.test", password="fleet",
                                public_password=True) for n in range(max(1, devices // 100))]
    for number in range(devices):
        device = cloud.register_device(product, attrs={"timer_switch": 1})
        # The role given: the binding rules would look at the device's bindings, a scan per bind.
        cloud.bindings.bind(users[number // 100 % len(users)].uid, device.did, cloud.now(), role="special")
    built = time.perf_counter() - begun
    begun = time.perf_counter()
    cloud.keep_state(path)
    cloud.durable.close()
    return built, time.perf_counter() - begun


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=100_000, help="devices of the large world (default 100000)")
    parser.add_argument("--seconds", type=float, default=3.0, help="seconds of load per throughput run")
    parser.add_argument("--rounds", type=int, default=3, help="throughput runs of each server, in turns")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="durability-bench-"))

    # Both servers run side by side, measured in turns, three times each: the medians compare the two
    # under the same load of the machine.
    with serving() as (memory_url, _), serving("--state", str(folder / "demo.db")) as (durable_url, _):
        runs: dict[str, list[float]] = {memory_url: [], durable_url: []}
        targets = {}
        for url in runs:
            headers = login(url, "demo@heatzy.test", "heatzy-demo")
            targets[url] = (headers, first_pilote(url, headers))
        for _ in range(args.rounds):
            for url, found in runs.items():
                found.append(throughput(url, *targets[url], args.seconds))
        memory, durable = (statistics.median(runs[url]) for url in (memory_url, durable_url))

    built, written = large_world(folder / "large.db", args.devices)
    size = (folder / "large.db").stat().st_size
    # Restarts in turns with the baseline, three of each: the medians count (one start is at the mercy
    # of what else the machine does in those seconds).
    fresh_runs, restart_runs = [], []
    for _ in range(3):
        with serving("--fixture", "empty") as (_, fresh):
            fresh_runs.append(fresh)
        with serving("--state", str(folder / "large.db")) as (_, restarted):
            restart_runs.append(restarted)
    fresh, restarted = statistics.median(fresh_runs), statistics.median(restart_runs)
    with serving("--state", str(folder / "large.db")) as (url, _):
        headers = login(url, "user0@fleet.test", "fleet")
        large = throughput(url, headers, first_pilote(url, headers), args.seconds)

    rows = [
        ("control throughput, --state (demo world)", f"{durable:,.0f}/s", "ratio >= 0.5",
         durable / memory >= 0.5, "in memory", f"{memory:,.0f}/s", durable / memory),
        (f"restart to first answer, {args.devices:,} devices", f"{restarted:.2f}s", "<= 5 s", restarted <= 5,
         "start in memory, empty", f"{fresh:.2f}s", restarted / fresh),
        (f"control throughput, --state ({args.devices:,} devices)", f"{large:,.0f}/s", "ratio ~1", None,
         "--state, demo world", f"{durable:,.0f}/s", large / durable),
    ]
    print(f"{'measure':<48} {'value':>11} {'target':>13} {'ok':>3}  {'baseline':<24} {'value':>10} {'ratio':>7}")
    for name, value, target, ok, base_name, base, ratio in rows:
        verdict = "-" if ok is None else "yes" if ok else "NO"
        print(f"{name:<48} {value:>11} {target:>13} {verdict:>3}  {base_name:<24} {base:>10} {ratio:>6.2f}x")
    print(f"\nlarge world: built in {built:.1f}s, first written in {written:.1f}s, file {size / 2**20:.0f} MiB; "
          f"load: {'wrk' if shutil.which('wrk') else 'httpx threads'}, {args.rounds} x {args.seconds:g}s per server; "
          f"python {sys.version.split()[0]}")
    print("restarts: " + ", ".join(f"{seconds:.2f}s" for seconds in restart_runs)
          + "; empty starts: " + ", ".join(f"{seconds:.2f}s" for seconds in fresh_runs))
    print(json.dumps({"memory": memory, "durable": durable, "large": large, "restart": restarted, "fresh": fresh}))
    shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
