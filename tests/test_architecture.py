"""The apps' import graph, read from the source (every import, including those inside functions).

- The apps point one way: blog, newsletter and scheduling may import practice; practice imports none
  of them (except where listed in PRACTICE_MAY_IMPORT).
- No import cycle inside an app, except the ones listed in KNOWN_CYCLES, which are work still to do
  (docs/architecture.md): a new cycle fails, and so does a listed one that has gone (delete it here).
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("practice", "blog", "newsletter", "scheduling")
# practice owns what every app shares and imports none of them; a module allowed to is listed here, with why.
PRACTICE_MAY_IMPORT: dict[str, set[str]] = {
    # The demo content builds the whole site (articles and their author, the scheduling page) from data files.
    "practice.demo.loader": {"blog", "scheduling"},
}
KNOWN_CYCLES = {
    # SchedulingPage's routes import the views lazily (issue 13, item 3).
    frozenset({"scheduling.models", "scheduling.views", "scheduling.forms"}),
    frozenset({"scheduling.models", "scheduling.views", "scheduling.services"}),
    frozenset({"scheduling.models", "scheduling.views", "scheduling.services", "scheduling.calendar"}),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    modules = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                modules[_module_name(path)] = path
    return modules


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """First-party modules this file imports, anywhere in it ("from scheduling import views" → scheduling.views)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name and name.split(".")[0] in APPS:
                found.add(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(path, modules) - {name} for name, path in modules.items()}


def _cycles_within(app: str, graph: dict[str, set[str]]) -> set[frozenset]:
    """Every elementary cycle's set of modules, among one app's modules (small graphs: a plain search)."""
    nodes = sorted(name for name in graph if name.split(".")[0] == app)
    cycles = set()

    def walk(start, current, path):
        for following in graph[current]:
            if following.split(".")[0] != app or following < start:
                continue
            if following == start:
                cycles.add(frozenset(path))
            elif following not in path:
                walk(start, following, [*path, following])

    for start in nodes:
        walk(start, start, [start])
    return cycles


def test_practice_imports_no_other_app_except_where_listed():
    graph = _graph()
    for module, imported in graph.items():
        if module.split(".")[0] != "practice":
            continue
        others = {name.split(".")[0] for name in imported} - {"practice"}
        assert others <= PRACTICE_MAY_IMPORT.get(module, set()), f"{module} imports {others}"


@pytest.mark.parametrize("app", APPS)
def test_no_new_import_cycles_inside_an_app(app):
    cycles = _cycles_within(app, _graph())
    known = {cycle for cycle in KNOWN_CYCLES if next(iter(cycle)).split(".")[0] == app}
    assert cycles - known == set(), f"new import cycles in {app}: {[sorted(c) for c in cycles - known]}"
    assert known - cycles == set(), f"gone, remove from KNOWN_CYCLES: {[sorted(c) for c in known - cycles]}"


def test_the_apps_point_one_way():
    """blog → newsletter → practice, scheduling → practice; nothing points back (practice's demo loader aside)."""
    edges = {
        (module.split(".")[0], name.split(".")[0])
        for module, imported in _graph().items()
        if module not in PRACTICE_MAY_IMPORT
        for name in imported
    }
    cross_app = {(source, target) for source, target in edges if source != target}
    assert cross_app == {
        ("blog", "newsletter"),
        ("blog", "practice"),
        ("newsletter", "practice"),
        ("scheduling", "practice"),
    }
