"""What the drop-in Python hook costs a process: interpreter start-up and the first import of a
client library, with the hook active (``gizwits-emulator env`` applied) against the same
interpreter without it. Baseline, measured in the same run: ``python -c`` with no hook on the path.

    python bench/dropin_startup.py [runs]

Each case runs ``runs`` times (default 20), interleaved so load on the machine hits every column
alike; the table shows the median and the best wall time of a whole process.

Target: the hook adds <= 30 ms to a start-up (median) and <= 1.3 x to a process that imports aiohttp.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from emulator.dropin.environment import PYTHON_HOOK_DIR, configuration  # noqa: E402


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    hooked = {**os.environ, "PYTHONPATH": str(PYTHON_HOOK_DIR),
              "GIZWITS_EMULATOR_DROPIN": json.dumps(configuration("http://127.0.0.1:8000", None))}
    plain = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "GIZWITS_EMULATOR_DROPIN")}
    cases = {
        ("start-up", "baseline"): (plain, "pass"),
        ("start-up", "hook active"): (hooked, "pass"),
        ("import aiohttp", "baseline"): (plain, "import aiohttp"),
        ("import aiohttp", "hook active"): (hooked, "import aiohttp"),
    }
    times: dict[tuple[str, str], list[float]] = {case: [] for case in cases}
    for _ in range(runs):
        for case, (env, code) in cases.items():
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], env=env, check=True)
            times[case].append(time.perf_counter() - started)
    print(f"{'process':<16} {'':<12} {'median ms':>10} {'best ms':>9} {'ratio':>7}")
    for (what, which), samples in times.items():
        median = statistics.median(samples)
        base = statistics.median(times[(what, "baseline")])
        print(f"{what:<16} {which:<12} {median * 1000:>10.1f} {min(samples) * 1000:>9.1f} {median / base:>7.2f}")
    added = statistics.median(times[("start-up", "hook active")]) - statistics.median(times[("start-up", "baseline")])
    print(f"the hook adds {added * 1000:.1f} ms to a start-up (median, {runs} runs)")


if __name__ == "__main__":
    main()
