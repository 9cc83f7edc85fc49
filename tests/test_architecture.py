"""The package's shape: topics in layers, no borrowed private names, no helper written twice.

Read from the source with ``ast`` (nothing is imported), so the test sees imports inside
functions too: a circle that only closes at call time is still a circle a reader has to
untangle. A module is as long as its idea: there is no line cap, only a warning over
:data:`LONG_MODULE` lines, as a prompt to look.
"""

from __future__ import annotations

import ast
import warnings
from collections import defaultdict
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lowlight_utils"
LONG_MODULE = 600
#: Top-level modules allowed besides the subpackages (issue: at most 10).
MAX_TOP_LEVEL_MODULES = 10


def module_name(path: Path) -> str:
    """``lowlight_utils/zero_dce/model.py`` -> ``lowlight_utils.zero_dce.model``."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The package's modules that ``path`` imports, at module level or inside functions."""
    is_package = path.name == "__init__.py"
    found = set()

    def closest(target: str) -> str | None:
        while target and target not in known:
            target = target.rpartition(".")[0]
        return target or None

    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from . import x`` imports the submodule x when there is one
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base
                       for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] == PACKAGE.name:
                module = closest(target)
                if module and module != name:
                    found.add(module)
    return found


def import_graph() -> dict[str, set[str]]:
    modules = package_modules()
    known = set(modules)
    return {name: imported_modules(name, path, known) for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph`` as ``[a, b, ..., a]``, or None when there is none."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            cycle = visit(start)
            if cycle:
                return cycle
    return None


def test_find_cycle_reports_the_circle_and_accepts_a_tree():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_import_graph_sees_relative_and_function_level_imports():
    graph = import_graph()
    assert len(graph) > 10
    assert f"{PACKAGE.name}.cli" in graph
    # cli imports its commands' modules inside functions; they must be seen
    assert f"{PACKAGE.name}.inference" in graph[f"{PACKAGE.name}.cli"]


def test_no_import_cycle_inside_the_package():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def topic_of(module: str) -> str:
    """``lowlight_utils.data.io`` -> ``data``; a top-level module is its own topic."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def topic_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Which topic (subpackage or top-level module) imports which other topic."""
    topics: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        if module == PACKAGE.name:
            continue
        for target in targets:
            if target != PACKAGE.name and topic_of(target) != topic_of(module):
                topics[topic_of(module)].add(topic_of(target))
    return topics


def test_topic_graph_sees_a_circle_through_a_chain():
    graph = {"p.a.x": {"p.b.y"}, "p.b.y": {"p.c.z"}, "p.c.z": {"p.a.w"}, "p.a.w": set()}
    assert find_cycle(topic_graph(graph)) == ["a", "b", "c", "a"]


def test_subpackages_form_layers():
    """No two topics import each other, directly or through a chain."""
    cycle = find_cycle(topic_graph(import_graph()))
    assert cycle is None, "topics import each other: " + " -> ".join(cycle)


def test_ls_reads_like_a_table_of_contents():
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= MAX_TOP_LEVEL_MODULES, modules


def private_imports() -> list[str]:
    """``module imports _name from other`` for every private name taken across topics."""
    modules = package_modules()
    known = set(modules)
    found = []
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = name.split(".")
                if not is_package:
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != PACKAGE.name or source not in known:
                continue
            same_topic = topic_of(source) == topic_of(name)
            for alias in node.names:
                private = alias.name.startswith("_") and not alias.name.startswith("__")
                if private and not same_topic:
                    found.append(f"{name} imports {alias.name} from {source}")
    return found


def test_no_module_borrows_another_topics_private_names():
    """A helper two topics need is public (or lives in ``_shared``), not borrowed."""
    assert private_imports() == []


def function_bodies() -> dict[str, list[str]]:
    """Normalised source of every module-level function body -> where it is defined."""
    where: dict[str, list[str]] = defaultdict(list)
    for name, path in package_modules().items():
        for node in ast.parse(path.read_text(), str(path)).body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:]  # the docstring
            if len(body) < 2 and not any(isinstance(s, ast.Return) for s in body):
                continue
            key = ast.dump(ast.Module(body=body, type_ignores=[]), annotate_fields=False)
            where[key].append(f"{name}.{node.name}")
    return where


def test_no_helper_defined_twice():
    """The same function body is written in one module only (the others import it)."""
    twice = [places for places in function_bodies().values()
             if len({p.rsplit(".", 1)[0] for p in places}) > 1]
    assert twice == [], twice


def test_import_has_no_side_effects():
    """``import lowlight_utils`` touches neither ``sys.meta_path`` nor the environment."""
    import subprocess
    import sys

    code = ("import os, sys; before = (list(sys.meta_path), dict(os.environ)); "
            "import lowlight_utils; "
            "assert list(sys.meta_path) == before[0], 'sys.meta_path changed'; "
            "assert dict(os.environ) == before[1], 'os.environ changed'")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name,path", sorted(package_modules().items()))
def test_long_modules_are_flagged_for_a_look(name, path):
    lines = len(path.read_text().splitlines())
    if lines > LONG_MODULE:
        warnings.warn(f"{path.relative_to(PACKAGE.parent)} has {lines} lines: one idea?",
                      stacklevel=1)
