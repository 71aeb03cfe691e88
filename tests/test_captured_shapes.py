"""The emulator's payloads have the keys and value types of the real cloud's captured ones.

Captures come from public client projects (../shared/reference/captures). For each captured
device, the emulator creates a device of the same product and compares its devdata.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import SHARED, SHARED_MISSING, requires_shared

from emulator.config import EmulatorConfig
from emulator.gizwits.cloud.cloud import Cloud

#: Known, explained differences: (capture file, product name, data point) -> why.
KNOWN_DIFFERENCES = {
    ("hass-heatzy/Devices.json", "Glow_Simple", "on_off"):
        "this capture reports on_off as a JSON boolean; heatzypy's capture of the same product reports 1, "
        "which the emulator follows (its data point is a uint8 0..1)",
}


#: Real devices report these beyond the maximum their data point declares (time_hour counts
#: half hours up to 47 but is declared 0..24), so the emulator does too.
BEYOND_DECLARED_MAX = {"time_hour"}


def json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return type(value).__name__


def captured_devices() -> list[tuple[str, str, dict[str, Any]]]:
    """(capture file, product key, captured attr) for every captured device; none without ../shared."""
    if not SHARED.exists():
        return []
    base = SHARED / "reference" / "captures"
    found = []
    keys = {d["did"]: d["product_key"] for d in json.loads((base / "heatzypy/devices.json").read_text())["devices"]}
    for item in json.loads((base / "heatzypy/attributes.json").read_text()).values():
        found.append(("heatzypy/attributes.json", keys[item["did"]], item["attr"]))
    for item in json.loads((base / "hass-heatzy/Devices.json").read_text()).values():
        found.append(("hass-heatzy/Devices.json", item["product_key"], item["attrs"]))
    status = json.loads((base / "sderosiaux-heatzy/status.json").read_text())
    found.append(("sderosiaux-heatzy/status.json", "51d16c22a5f74280bc3cfe9ebcdc6402", status["attr"]))
    return found


def emulated_attr(product_key: str) -> dict[str, Any]:
    cloud = Cloud(EmulatorConfig(fixture="empty"))
    device = cloud.register_device(cloud.catalog.resolve(product_key))
    return device.read(cloud.now())


def test_captures_are_available() -> None:
    requires_shared("reference", "captures")
    assert len(captured_devices()) >= 17


def captured_cases() -> list[Any]:
    """The parameters of the comparison: one per captured device, or one skipped case saying why."""
    return captured_devices() or [pytest.param("", "", {}, marks=pytest.mark.skip(reason=SHARED_MISSING),
                                               id="no-captures")]


@pytest.mark.parametrize("source,product_key,captured", captured_cases(),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "")
def test_devdata_keys_and_types_match_the_capture(source: str, product_key: str, captured: dict[str, Any]) -> None:
    emulated = emulated_attr(product_key)
    name = Cloud(EmulatorConfig(fixture="empty")).catalog.resolve(product_key).name
    assert set(emulated) == set(captured), (set(emulated) ^ set(captured))
    differences = {key for key in captured if json_type(captured[key]) != json_type(emulated[key])}
    expected = {k for (file, product, k) in KNOWN_DIFFERENCES if file == source and product == name}
    assert differences == expected, {k: (captured[k], emulated[k]) for k in differences}


def test_v1_mode_values_are_the_chinese_strings_of_the_captures() -> None:
    requires_shared("reference", "captures")
    captured = {c["mode"] for _, key, c in captured_devices() if key == "9420ae048da545c88fc6274d204dd25f"}
    cloud = Cloud(EmulatorConfig(fixture="empty"))
    enum = cloud.catalog.resolve("Heatzy").datapoints.by_name["mode"].enum
    assert captured <= set(enum) and enum == ("舒适", "经济", "解冻", "停止")


def test_every_enum_value_seen_in_captures_is_in_the_products_data_points() -> None:
    cloud = Cloud(EmulatorConfig(fixture="empty"))
    for _, product_key, captured in captured_devices():
        points = cloud.catalog.resolve(product_key).datapoints
        for key, value in captured.items():
            point = points.by_name[key]
            if point.data_type == "enum":
                assert value in point.enum, (key, value)
            elif point.is_numeric and not isinstance(value, bool) and key not in BEYOND_DECLARED_MAX:
                assert point.min <= value <= point.max, (key, value)
