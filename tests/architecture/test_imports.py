"""Imports point down: the domain (partners/) knows no web framework and no area, and no two
modules of the project import each other, directly or round a loop.

Read from the source (module-level imports only: an import inside a function is a deliberate,
late dependency), so the guard needs no database and runs in a second.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "config", "documents", "integrations", "partners", "portal", "web")
WEB_LIBRARIES = ("flask", "flask_login", "flask_wtf", "flask_limiter", "wtforms", "werkzeug")
ABOVE_PARTNERS = ("app", "web", "portal", "documents", "integrations")


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@functools.cache
def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def _top_level_imports(module: str, path: Path) -> set[str]:
    """Modules named by the import statements at module level (not inside functions): for
    ``from package import name`` the submodule if ``name`` is one, else the package."""
    modules = _modules()
    names: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                names.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
    return names


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {
        module: {name for name in _top_level_imports(module, path) if name in modules} - {module}
        for module, path in modules.items()
    }


def _under(name: str, packages: tuple[str, ...]) -> bool:
    return name.split(".")[0] in packages


def test_partners_imports_no_web_framework():
    modules = _modules()
    offenders = {
        module: sorted(n for n in _top_level_imports(module, path) if _under(n, WEB_LIBRARIES))
        for module, path in modules.items()
        if _under(module, ("partners",))
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_partners_imports_nothing_above_it():
    modules = _modules()
    upward = {
        module: {n for n in _top_level_imports(module, path) if _under(n, ABOVE_PARTNERS)}
        for module, path in modules.items()
        if _under(module, ("partners",))
    }
    assert {module: names for module, names in upward.items() if names} == {}


def test_walking_partners_imports_never_reaches_an_area():
    """Every import reachable from partners/, followed module to module, stays in partners/
    or config/: the engine knows no area (each registers its kind, ``app/areas.py``)."""
    graph = _graph()
    seen: set[str] = set()
    stack = [module for module in graph if _under(module, ("partners",))]
    while stack:
        module = stack.pop()
        if module not in seen:
            seen.add(module)
            stack.extend(graph[module])
    assert sorted(m for m in seen if _under(m, ("portal", "documents", "integrations"))) == []


def test_no_import_cycles():
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []
