"""Digits a person can type that ``int()`` cannot read (superscripts, circled numbers: ``str.isdigit`` says yes
to them) are refused by name or ignored, never a crash: every check before ``int()`` is ``str.isdecimal``."""

import ast
from pathlib import Path

from places.services.ordering import natural_key

ROOT = Path(__file__).resolve().parent.parent.parent


def test_no_module_checks_digits_with_isdigit() -> None:
    offending = []
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "isdigit":
                offending.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offending == [], "use str.isdecimal (what int() reads), not str.isdigit"


def test_superscript_digits_sort_and_page_without_a_crash(client, db) -> None:
    assert natural_key("Club ²") < natural_key("Club 3") or natural_key("Club ²") > natural_key("Club 3")
    answer = client.get("/openreferral/services?page=²")
    assert answer.status_code == 400 and answer.json()["errors"][0]["field"] == "page"
    assert client.get("/places/directory/?page=¹").status_code == 200
