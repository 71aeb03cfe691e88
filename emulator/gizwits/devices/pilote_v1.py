"""Pilote 1st generation (product ``Heatzy``): one data point, ``mode``, in Chinese.

The device only knows its current mode (舒适 comfort, 经济 eco, 解冻 frost, 停止 stop);
clients change it with ``{"raw": [1, 1, n]}``. It has no clock, no program and no
derogation: its program lives in the cloud scheduler (``/app/devices/{did}/scheduler``),
whose tasks the cloud runs at their time (``emulator/gizwits/cloud/automation/task_runner.py``). Nothing in
it changes by itself, so its timeline is empty.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from .catalog import Product
from .device import Family

#: The 1st generation's mode values and the names later generations (and people) use for them.
MODES = {"舒适": "cft", "经济": "eco", "解冻": "fro", "停止": "stop"}


class PiloteV1(Family):
    name: ClassVar[str] = "pilote_v1"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        return {"mode": "舒适"}
