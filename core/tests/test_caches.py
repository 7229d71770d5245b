"""Every cache kept in memory is registered in one place (core/caches.py), which the test fixtures clear before each
test: an unregistered ``lru_cache`` would carry one test's answers into the next (order-dependent failures)."""

import ast
import tomllib
from functools import lru_cache
from pathlib import Path

from core.caches import clear_caches, register_cache, registered

ROOT = Path(__file__).resolve().parents[2]
FUNCTOOLS_CACHES = {"lru_cache", "cache"}


def _platform_modules() -> list[Path]:
    """The platform's own modules (the import-linter root packages), not their tests or migrations."""
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["root_packages"]
    return [path for package in packages for path in sorted((ROOT / package).rglob("*.py"))
            if not {"tests", "migrations"} & set(path.relative_to(ROOT).parts)]


def _is_functools_cache(node: ast.expr) -> bool:
    node = node.func if isinstance(node, ast.Call) else node
    return (isinstance(node, ast.Name) and node.id in FUNCTOOLS_CACHES) or (
        isinstance(node, ast.Attribute) and node.attr in FUNCTOOLS_CACHES and isinstance(node.value, ast.Name)
        and node.value.id == "functools")


def _is_register(node: ast.expr) -> bool:
    return (isinstance(node, ast.Name) and node.id == "register_cache") or (
        isinstance(node, ast.Attribute) and node.attr == "register_cache")


def test_every_functools_cache_in_the_platform_is_registered() -> None:
    unregistered = []
    for path in _platform_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports_cache = any(isinstance(n, ast.ImportFrom) and n.module == "functools"
                            and {a.name for a in n.names} & FUNCTOOLS_CACHES for n in ast.walk(tree))
        decorating = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                cached = [d for d in node.decorator_list if _is_functools_cache(d)]
                decorating.update(id(d) for d in cached)
                if cached and not any(_is_register(d) for d in node.decorator_list):
                    unregistered.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}")
        # A cache made by calling lru_cache (not as a decorator) cannot carry @register_cache: refused too.
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and id(node) not in decorating and _is_functools_cache(node.func) \
                    and (imports_cache or isinstance(node.func, ast.Attribute)):
                unregistered.append(f"{path.relative_to(ROOT)}:{node.lineno} (lru_cache called, not a decorator)")
    assert not unregistered, ("caches not registered with core.caches.register_cache (put @register_cache above "
                              f"@lru_cache): {unregistered}")


def test_the_platforms_caches_are_registered_once_their_modules_are_imported() -> None:
    import core.release  # noqa: F401
    import evidence.services.search  # noqa: F401
    import geography.services.locate  # noqa: F401
    import insights.query.areas  # noqa: F401
    import insights.query.figures  # noqa: F401

    assert {"insights.query.areas._build", "insights.query.areas._local_authorities",
            "geography.services.locate._lsoa_index", "core.release.clear_memo", "evidence.services.search.reset_cache",
            "insights.query.figures._SharedDatabase.reset"} <= set(registered())


def test_clear_caches_empties_a_registered_lru_cache_and_calls_a_registered_reset() -> None:
    calls: list[int] = []
    kept: dict[str, int] = {"answer": 1}

    @register_cache
    @lru_cache(maxsize=4)
    def square(number: int) -> int:
        calls.append(number)
        return number * number

    def forget() -> None:
        kept.clear()

    register_cache(forget)
    assert square(3) == 9 and square(3) == 9 and calls == [3]
    clear_caches()
    assert square(3) == 9 and calls == [3, 3]
    assert kept == {}
