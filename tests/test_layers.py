"""The layers of ``dashboard`` (docs/architecture.md): imports point one way, no cycles.

Read from the source (every import statement, those inside functions included), so a
forbidden import fails here even when nothing runs it:

    core  <-  present  <-  views  <-  ui  <-  app_pages  <-  app.py, cli.py, __main__.py

A module may import its own layer or a lower one; the import graph has no cycle; only
``ui``, ``app_pages`` and ``app.py`` import streamlit; nothing in ``dashboard`` imports the
benchmarks, the tools or the tests.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "dashboard"
RANKS = {"core": 0, "present": 1, "views": 2, "ui": 3, "app_pages": 4}
TOP = 5  # app.py, cli.py, __main__.py
STREAMLIT_LAYERS = {"ui", "app_pages", "app"}
OUTSIDE = ("benchmarks", "tools", "tests")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def layer(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "dashboard"


def rank(name: str) -> int:
    return RANKS.get(layer(name), TOP)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> Iterator[tuple[int, str]]:
    """(line, imported name) for every import in the file, at any depth; for ``from a
    import b`` where ``a.b`` is a module, the module ``a.b``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield node.lineno, sub if sub in known else node.module


def graph() -> dict[str, list[tuple[int, str]]]:
    mods = modules()
    known = set(mods)
    return {
        name: [(line, imp) for line, imp in imports_of(path, known) if imp in known]
        for name, path in mods.items()
    }


def problems_of(edges: dict[str, list[tuple[int, str]]]) -> list[str]:
    """Imports that point up a layer."""
    return [
        f"{name}:{line} imports {imp} ({layer(imp)} is above {layer(name)})"
        for name, targets in edges.items()
        for line, imp in targets
        if rank(imp) > rank(name)
    ]


def cycles_of(edges: dict[str, list[tuple[int, str]]]) -> list[list[str]]:
    """Every cycle found by a depth-first walk (each reported once, from where it closes)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for _, nxt in edges.get(node, []):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node)
    return found


def test_every_module_is_in_a_layer() -> None:
    for name in modules():
        assert layer(name) in RANKS or name in (
            "dashboard",
            "dashboard.app",
            "dashboard.cli",
            "dashboard.__main__",
        ), f"{name} is in no layer: put it in core, present, views, ui or app_pages"


def test_imports_point_down_the_layers() -> None:
    assert problems_of(graph()) == []


def test_there_is_no_import_cycle() -> None:
    assert cycles_of(graph()) == []


def test_only_the_streamlit_layers_import_streamlit() -> None:
    bad = [
        f"{name}:{line}"
        for name, path in modules().items()
        if layer(name) not in STREAMLIT_LAYERS and name != "dashboard.app"
        for line, imp in imports_of(path, set())
        if imp == "streamlit" or imp.startswith("streamlit.")
    ]
    assert bad == []


def test_the_runtime_package_imports_no_benchmark_tool_or_test() -> None:
    bad = [
        f"{name}:{line} imports {imp}"
        for name, path in modules().items()
        for line, imp in imports_of(path, set())
        if imp.split(".")[0] in OUTSIDE
    ]
    assert bad == []


@pytest.mark.parametrize(
    ("edges", "up", "cycles"),
    [
        ({"dashboard.core.a": [(3, "dashboard.ui.b")], "dashboard.ui.b": []}, 1, 0),
        ({"dashboard.ui.b": [(3, "dashboard.core.a")], "dashboard.core.a": []}, 0, 0),
        (
            {
                "dashboard.core.a": [(1, "dashboard.core.b")],
                "dashboard.core.b": [(9, "dashboard.core.a")],  # a function-level import
            },
            0,
            1,
        ),
    ],
)
def test_the_checks_catch_an_upward_import_and_a_cycle(
    edges: dict[str, list[tuple[int, str]]], up: int, cycles: int
) -> None:
    assert len(problems_of(edges)) == up
    assert len(cycles_of(edges)) == cycles


def test_a_function_level_import_is_read(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from dashboard.ui import widgets\n", encoding="utf-8")
    assert list(imports_of(source, {"dashboard.ui.widgets"})) == [(2, "dashboard.ui.widgets")]
