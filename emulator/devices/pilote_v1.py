"""Pilote 1st generation (product ``Heatzy``): one data point, ``mode``, in Chinese.

The device only knows its current mode (舒适 comfort, 经济 eco, 解冻 frost, 停止 stop);
clients change it with ``{"raw": [1, 1, n]}`` and its program lives in the cloud
scheduler (``/app/devices/{did}/scheduler``).
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from .catalog import Product
from .device import Family


class PiloteV1(Family):
    name: ClassVar[str] = "pilote_v1"

    def initial_state(self, product: Product, rng: random.Random) -> dict[str, Any]:
        return {"mode": "舒适"}
