"""The apps' import graph, read from the source (every import, including those inside functions).

- The apps point one way: blog, newsletter and scheduling may import practice; practice imports none
  of them (except where listed in PRACTICE_MAY_IMPORT).
- No import cycle inside an app, not even through an import inside a function.
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
def test_no_import_cycles_inside_an_app(app):
    cycles = _cycles_within(app, _graph())
    assert cycles == set(), f"import cycles in {app}: {[sorted(c) for c in cycles]}"


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


def test_the_cycle_search_finds_a_loop_through_a_lazy_import(tmp_path):
    """The shape that was here before: the page imported its views inside a route, the views the models."""
    page = tmp_path / "page.py"
    page.write_text("def route():\n    from scheduling import views\n")
    modules = {"scheduling.models": page, "scheduling.views": page, "scheduling.forms": page}
    assert _imports(page, modules) == {"scheduling.views"}
    graph = {
        "scheduling.models": {"scheduling.views"},
        "scheduling.views": {"scheduling.forms", "practice.models"},
        "scheduling.forms": {"scheduling.models"},
    }
    assert _cycles_within("scheduling", graph) == {
        frozenset({"scheduling.models", "scheduling.views", "scheduling.forms"})
    }
