"""One form of errors: views never decide an error status or build an error body themselves.

A page with forms answers through ``core.render.form_page`` (400 when a form or a check failed), a refused
action through ``core.render.refuse`` (403) and any other error through ``core.render.error_response``, so every
error has one shape (``{"errors": [{"field", "message"}]}`` in JSON, ``field,message`` in CSV, the error summary
in HTML) in the format asked for. A view module that writes ``status=400 if form.errors else 200``, a literal
client-error status, or a JSON body of its own ``errors`` fails here.
"""

import ast
import json
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from core.render import error_response, form_page, refuse

ROOT = Path(__file__).resolve().parents[1]
#: Client-error statuses a view may still answer with itself: 429 (too many submissions) is a page of its own,
#: the form's page with the reason, not an error in a format.
ALLOWED = {429}


def hand_rolled(source: str) -> list[tuple[int, str]]:
    """(line, what) of every error status or error body ``source`` builds itself."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg != "status":
                continue
            value = keyword.value
            if isinstance(value, ast.IfExp):
                found.append((node.lineno, f"status={ast.unparse(value)}"))
            elif (isinstance(value, ast.Constant) and isinstance(value.value, int) and 400 <= value.value < 500
                  and value.value not in ALLOWED):
                found.append((node.lineno, f"status={value.value}"))
        for argument in node.args[:1]:
            if isinstance(argument, ast.Dict) and any(isinstance(k, ast.Constant) and k.value in ("errors", "error")
                                                      for k in argument.keys):
                found.append((node.lineno, f"{ast.unparse(node.func)}({{'errors': ...}})"))
    return sorted(found)


def view_modules() -> list[Path]:
    patterns = ("*/**/views.py", "*/**/views/*.py", "*/**/api.py")
    return sorted({p for pattern in patterns for p in ROOT.glob(pattern)
                   if not {".venv", "node_modules", "tests"} & set(p.parts)})


def test_the_check_finds_what_views_used_to_write() -> None:
    source = ('def v(request):\n'
              '    return render(request, "t.html", {"form": form}, status=400 if form.errors else 200)\n'
              'def w(request):\n'
              '    return JsonResponse({"errors": [{"field": "", "message": "no"}]}, status=400)\n'
              'def x(request):\n'
              '    return HttpResponse("Only commissioners can do that.", status=403)\n'
              'def y(request):\n'
              '    return form_page(request, "t.html", {}, form, status=201)\n')
    assert hand_rolled(source) == [(2, "status=400 if form.errors else 200"), (4, "JsonResponse({'errors': ...})"),
                                   (4, "status=400"), (6, "status=403")]


def test_no_view_sets_an_error_status_or_builds_an_error_body() -> None:
    modules = view_modules()
    assert len(modules) > 10 and any(p.parts[-2:] == ("views", "sessions.py") for p in modules)
    offenders = {str(p.relative_to(ROOT)): found for p in modules if (found := hand_rolled(p.read_text()))}
    assert offenders == {}, "answer through core.render.form_page / refuse / error_response"


def _request(method: str, path: str, data: dict | None = None):
    request = getattr(RequestFactory(), method)(path, data or {})
    request.user = AnonymousUser()
    return request


class _Form(forms.Form):
    year = forms.IntegerField()


@pytest.mark.django_db
def test_a_failed_form_is_400_in_the_format_asked_for() -> None:
    request = _request("post", "/x", {"year": "soon"})
    form = _Form(request.POST)
    assert form_page(request, "core/refused.html", {}, form).status_code == 400
    answer = form_page(request, "core/refused.html", {}, form, fmt="json")
    assert answer.status_code == 400
    assert json.loads(answer.content) == {"errors": [{"field": "year", "message": "Enter a whole number."}]}
    assert form_page(request, "core/refused.html", {}, _Form({"year": "2024"}), None).status_code == 200


@pytest.mark.django_db
def test_a_refusal_answers_in_the_format_the_path_asks_for() -> None:
    json_answer = refuse(_request("get", "/places/stories/s/chapters/1.json"), "Not published.")
    assert json_answer.status_code == 403 and json.loads(json_answer.content) == {
        "errors": [{"field": "", "message": "Not published."}]}
    csv_answer = error_response(_request("get", "/x.csv"), [("area", "=HYPERLINK()")], 400)
    assert csv_answer.content.decode().splitlines() == ["field,message", "area,'=HYPERLINK()"]
    page = refuse(_request("get", "/strategy/boards/"), "Only commissioners can add boards.")
    assert page.status_code == 403 and b"Only commissioners can add boards." in page.content
