#!/usr/bin/env python
"""Checks that the layout stays as docs/architecture.md describes it.

1. No import cycle between the portal's apps. Each app may import the apps
   below it in its layer order, never one above; ``portal`` (the shared
   kernel) and ``config`` (the wiring) are not apps and are left out.
   An import inside a function counts the same as one at the top.
2. No module of business code (the apps and the ``portal`` kernel) over
   MAX_LINES lines (migrations and the built-in exercise data excepted).

Exits 1 and says what is wrong; prints the app graph on success.
Run by .ci/run: ``python scripts/check_layering.py``.
"""

from __future__ import annotations

import ast
import itertools
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "accounts",
    "exercises",
    "scheduling",
    "notifications",
    "progress",
    "intake",
    "messaging",
    "records",
    "retention",
)
MAX_LINES = 450
# Data, not rules: the texts of the built-in exercises.
LONG_ALLOWED = {"exercises/builtin.py"}


def app_modules(root: Path) -> list[Path]:
    return [
        path
        for app in APPS
        if (root / app).is_dir()
        for path in sorted((root / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def imported_apps(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found.update(name.split(".")[0] for name in names if name.split(".")[0] in APPS)
    return found


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target] if target in path else [*path, target]
            if state.get(target) is None:
                cycle = visit(target, [*path, target])
                if cycle:
                    return cycle
        state[node] = 2
        return None

    for app in sorted(graph):
        if state.get(app) is None:
            cycle = visit(app, [app])
            if cycle:
                return cycle
    return None


def app_graph(root: Path = ROOT) -> tuple[dict[str, set[str]], dict[tuple[str, str], str]]:
    """Which app imports which, and a module where each import is made."""
    graph: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], str] = {}
    for path in app_modules(root):
        app = path.relative_to(root).parts[0]
        graph[app]
        for target in imported_apps(path) - {app}:
            graph[app].add(target)
            where.setdefault((app, target), path.relative_to(root).as_posix())
    return graph, where


def check(root: Path = ROOT) -> list[str]:
    """What is wrong with the tree at ``root`` (nothing: an empty list)."""
    problems: list[str] = []
    # The kernel too: it is read as often as any app.
    kernel = [p for p in sorted((root / "portal").rglob("*.py")) if "migrations" not in p.parts]
    for path in [*app_modules(root), *kernel]:
        relative = path.relative_to(root).as_posix()
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES and relative not in LONG_ALLOWED:
            problems.append(f"{relative}: {lines} lines (at most {MAX_LINES}); split it by subject into a package")
    graph, where = app_graph(root)
    cycle = find_cycle(graph)
    if cycle:
        steps = ", ".join(f"{a} -> {b} ({where[(a, b)]})" for a, b in itertools.pairwise(cycle))
        problems.append(f"import cycle between apps: {' -> '.join(cycle)}: {steps}")
    return problems


def main() -> int:
    problems = check()
    if problems:
        print("Layering check failed:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("Layering check passed. Who imports whom:")
    graph, _ = app_graph()
    for app in sorted(graph):
        print(f"  {app} -> {', '.join(sorted(graph[app])) or '(nothing)'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
