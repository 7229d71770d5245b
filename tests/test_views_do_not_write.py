"""Views are thin: every write goes through a named service function (in a transaction, audited).

A ``views.py`` that calls ``.save()``, ``.create()``, ``.update()`` or ``.delete()`` (on a model, a
queryset or a ModelForm) fails here; move the write into the app's ``services`` and call that.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRITES = {"save", "create", "update", "delete", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}


CONTAINERS = (ast.Dict, ast.Set, ast.DictComp, ast.SetComp)


def _plain_containers(tree: ast.AST) -> set[str]:
    """Names the module only ever binds to a dict or set it builds (their ``.update`` is not a write)."""
    bound: dict[str, bool] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    built = isinstance(node.value, CONTAINERS) or (
                        isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                        and node.value.func.id in {"dict", "set"})
                    bound[target.id] = bound.get(target.id, True) and built
    return {name for name, built in bound.items() if built}


def writes_in(source: str) -> list[tuple[int, str]]:
    """(line, call) of every write method called in ``source``.

    ``form.save(commit=False)`` only builds an unsaved object, and ``.update`` on a dict or set the view
    built itself changes no record: neither is reported.
    """
    tree = ast.parse(source)
    containers = _plain_containers(tree)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES):
            continue
        receiver = node.func.value
        if node.func.attr == "save" and any(k.arg == "commit" and isinstance(k.value, ast.Constant)
                                            and k.value.value is False for k in node.keywords):
            continue
        if node.func.attr == "update" and (isinstance(receiver, CONTAINERS) or (
                isinstance(receiver, ast.Name) and receiver.id in containers)):
            continue
        found.append((node.lineno, f"{ast.unparse(node.func)}()"))
    return sorted(found)


def view_modules() -> list[Path]:
    return sorted(p for p in ROOT.glob("*/**/views.py") if ".venv" not in p.parts and "node_modules" not in p.parts)


def test_the_check_finds_a_write() -> None:
    assert writes_in("def v(r):\n    form.save()\n    Thing.objects.filter(pk=1).update(a=2)\n") == [
        (2, "form.save()"), (3, "Thing.objects.filter(pk=1).update()")]
    assert writes_in("def v(r):\n    return render(r, 'x.html', {})\n") == []
    # An unsaved object from a form, and a dict the view built, are not writes; a queryset is.
    assert writes_in("def v(r):\n    c = {}\n    c.update(a=1)\n    x = form.save(commit=False)\n") == []
    assert writes_in("def v(r):\n    c = Thing.objects.all()\n    c.update(a=1)\n") == [(3, "c.update()")]


def test_no_view_writes_to_the_database() -> None:
    modules = view_modules()
    assert len(modules) >= 8, modules
    offences = [f"{p.relative_to(ROOT)}:{line}: {call}" for p in modules for line, call in writes_in(p.read_text())]
    assert not offences, "views write directly; call a service function instead:\n" + "\n".join(offences)
