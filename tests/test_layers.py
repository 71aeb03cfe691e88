"""The layers hold: the core imports no cloud, and the two clouds do not import each other.

Every ``import`` and ``from ... import`` of every module is read from its source (those under
``TYPE_CHECKING`` and inside functions too) and resolved to the module it names.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "emulator"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """Absolute names of the modules ``path`` imports."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def modules_under(package: str) -> list[Path]:
    return sorted((PACKAGE.parent / package.replace(".", "/")).rglob("*.py"))


def offending(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [f"{_module_name(path)} imports {target}"
            for path in modules_under(package) for target in sorted(imports_of(path))
            if any(target == f or target.startswith(f + ".") for f in forbidden)]


def test_the_import_reader_sees_relative_and_guarded_imports(tmp_path: Path) -> None:
    found = imports_of(PACKAGE / "gizwits" / "cloud" / "automation" / "task_runner.py")
    assert "emulator.gizwits.cloud.automation.recurrence" in found
    assert "emulator.gizwits.cloud.context.GizwitsContext" in found  # under TYPE_CHECKING


def test_the_core_imports_no_cloud() -> None:
    assert modules_under("emulator.core"), "no core modules found"
    assert offending("emulator.core", ("emulator.gizwits", "emulator.ewelink", "emulator.admin",
                                       "emulator.testing", "emulator.app")) == []


@pytest.mark.parametrize(("cloud", "other"), [("emulator.gizwits", "emulator.ewelink"),
                                              ("emulator.ewelink", "emulator.gizwits")])
def test_the_clouds_do_not_import_each_other(cloud: str, other: str) -> None:
    assert modules_under(cloud), f"no {cloud} modules found"
    assert offending(cloud, (other,)) == []


def test_no_gizwits_store_or_engine_imports_the_object_that_assembles_them() -> None:
    assembled = "emulator.gizwits.cloud.cloud"
    importers = [f"{_module_name(path)}" for path in modules_under("emulator.gizwits.cloud")
                 if _module_name(path) != assembled and any(t == assembled or t.startswith(assembled + ".")
                                                              for t in imports_of(path))]
    assert importers == []
