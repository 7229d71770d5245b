"""Tests share helpers through ``core/testing/`` and fixtures through conftest.py, never by importing each other:
a test module imported by another runs its module-level set-up (skips, marks) twice and ties unrelated tests'
edits together. Nothing in the project imports a module of a ``tests`` package or a conftest.py."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIP = {".venv", "var", "node_modules", ".git", ".ci"}


def _python_files() -> list[Path]:
    return [path for path in sorted(ROOT.rglob("*.py")) if not SKIP & set(path.relative_to(ROOT).parts)]


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    offending = [f"{path.relative_to(ROOT)}:{line} imports {name}"
                 for path in _python_files() for line, name in _imported(ast.parse(path.read_text(encoding="utf-8")))
                 if {"tests", "conftest"} & set(name.split("."))]
    assert offending == [], "share test helpers through core/testing/ (fixtures through conftest.py): " + \
        "; ".join(offending)


def test_the_check_sees_an_import_of_another_test_module() -> None:
    tree = ast.parse("from insights.tests.test_counts import write_counts\nimport tests.test_browser\n"
                     "from core.testing.factories import user\n")
    assert [name for _, name in _imported(tree) if {"tests", "conftest"} & set(name.split("."))] == [
        "insights.tests.test_counts.write_counts", "tests.test_browser"]
