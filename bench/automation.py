"""What automation costs: linkage rules on the change feed, and cloud scheduler firings.

Run: ``python bench/automation.py``. Prints a table of per-operation times and each one's
ratio to its baseline measured in the same run:

- a device report (``cloud.apply``) with no rule anywhere is the baseline for the same
  report with 1,000 rules on other devices, with 10 rules on that device whose conditions
  do not hold, and with one rule that fires and controls another device;
- a direct ``cloud.control`` of a device is the baseline for one firing of a common
  scheduler task (which plans its next firing too), measured over many tasks firing in one
  ``cloud.advance``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from emulator.config import HEATZY_APP_ID, EmulatorConfig
from emulator.core.clock import Clock
from emulator.gizwits.cloud.automation.common_schedulers import plan
from emulator.gizwits.cloud.cloud import Cloud
from emulator.gizwits.cloud.identity.users import User
from emulator.gizwits.devices import Device

T0 = 1_727_239_389
REPEAT = 5


def populated(count: int) -> tuple[Cloud, User, list[Device]]:
    """A frozen cloud with one user and ``count`` Pilote2 bound to it."""
    clock = Clock()
    clock.freeze(T0)
    cloud = Cloud(EmulatorConfig(fixture="empty"), clock=clock)
    product = cloud.catalog.resolve("Pilote2")
    user = cloud.users.create(HEATZY_APP_ID, T0, email="bench@heatzy.test", password="x")
    devices = [cloud.register_device(product) for _ in range(count)]
    for device in devices:
        cloud.bind(user, device)
    return cloud, user, devices


def per_call(action: Callable[[int], Any], count: int) -> float:
    """Best of REPEAT runs of ``count`` calls, in microseconds per call."""
    runs = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        for index in range(count):
            action(index)
        runs.append((time.perf_counter() - start) / count * 1e6)
    return min(runs)


def rule_form(main: str, target: str, right: str) -> dict[str, Any]:
    return {"product_key": "", "did": main, "event": "data", "name": "", "remark": "", "interval": 0,
            "event_attr": None, "input": [{"product_key": "", "did": main, "prefix": "d"}],
            "condition": [[{"left": "d.derog_time", "opt": "==", "right": right}]],
            "output": [[{"type": "devctrl", "did": target, "attrs": {"mode": "eco"}}]]}


def report_costs() -> list[tuple[str, float, str]]:
    cloud, user, devices = populated(1002)
    main, target, others = devices[0], devices[1], devices[2:]

    def report(index: int) -> None:
        cloud.apply(main, {"derog_time": index % 200 + 1}, source="device")

    rows = []
    baseline = per_call(report, 2000)
    rows.append(("report, no rules", baseline, "baseline"))
    for other in others[:1000]:
        cloud.rules.create(user.uid, T0, rule_form(other.did, target.did, "0"))
    value = per_call(report, 2000)
    rows.append(("report, 1,000 rules on other devices", value, f"{value / baseline:.2f}x"))
    for _ in range(10):
        cloud.rules.create(user.uid, T0, rule_form(main.did, target.did, "999"))
    value = per_call(report, 2000)
    rows.append(("report, 10 rules on it, conditions false", value, f"{value / baseline:.2f}x"))
    firing = rule_form(main.did, target.did, "0")
    firing["condition"] = []
    cloud.rules.create(user.uid, T0, firing)
    value = per_call(report, 2000)
    rows.append(("report, a rule fires a control", value, f"{value / baseline:.2f}x"))
    return rows


def scheduler_costs() -> list[tuple[str, float, str]]:
    cloud, user, devices = populated(1000)
    product = devices[0].product
    modes = ("eco", "cft")

    def control(index: int) -> None:
        cloud.control(user, HEATZY_APP_ID, devices[index % 1000].did, attrs={"mode": modes[index % 2]})

    baseline = per_call(control, 5000)
    tasks = 10_000
    for index in range(tasks):
        minute = index % 1440
        form = {"did": devices[index % 1000].did, "group_id": "", "scene_id": "", "product_key": product.product_key,
                "time": f"{minute // 60:02d}:{minute % 60:02d}", "repeat": "mon,tue,wed,thu,fri,sat,sun",
                "date": "", "days": [], "start_date": None, "end_date": None, "enabled": True, "remark": "",
                "attrs": {"mode": modes[index % 2]}, "raw": ""}
        plan(cloud, cloud.common_schedulers.create(user.uid, T0, form), T0)
    samples = []
    for _ in range(3):
        start = time.perf_counter()
        ran = cloud.events.processed
        cloud.advance(86400)
        samples.append((time.perf_counter() - start) / (cloud.events.processed - ran) * 1e6)
    value = min(samples)
    return [("app control (cloud.control)", baseline, "baseline"),
            (f"scheduler firing ({tasks:,} daily tasks, 1 day)", value, f"{value / baseline:.2f}x")]


def main() -> None:
    rows = report_costs() + scheduler_costs()
    width = max(len(name) for name, _, _ in rows)
    print(f"{'operation':<{width}}  {'µs/op':>9}  ratio")
    for name, value, ratio in rows:
        print(f"{name:<{width}}  {value:>9.1f}  {ratio}")
    print(f"(best of {REPEAT} runs each)")


if __name__ == "__main__":
    main()
