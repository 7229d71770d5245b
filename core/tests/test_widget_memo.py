"""The remembering form renderer gives the HTML the configured renderer gives, for every state of a widget."""

from django import forms
from django.utils.safestring import mark_safe

from core.widget_memo import ConfiguredRenderer, RememberingRenderer, frozen


class Filters(forms.Form):
    month = forms.ChoiceField(choices=[("", "Latest"), ("2024-01", "January 2024"), ("2024-02", "February 2024")],
                              required=False)
    area = forms.CharField(required=False, widget=forms.TextInput(attrs={"class": "area-picker"}))


def html(renderer, data: dict) -> list[str]:
    form = Filters(data, renderer=renderer)
    return [str(form[name]) for name in ("month", "area")]


def test_each_state_of_a_widget_renders_as_django_renders_it() -> None:
    remembering, plain = RememberingRenderer(), ConfiguredRenderer()
    states = [{}, {"month": "2024-01"}, {"month": "2024-02", "area": "Easton"}, {"month": "2024-01"},
              {"area": '<b>"x"</b>'}, {"month": "2024-02", "area": "Easton"}]
    for data in states:
        assert html(remembering, data) == html(plain, data)
    # Four distinct months and three distinct areas were rendered (a repeat is not rendered again).
    assert len(remembering.kept) == 3 + 3
    assert 'value="2024-02" selected' in html(remembering, {"month": "2024-02"})[0]


def test_keys_differ_wherever_the_html_could() -> None:
    assert frozen("a") != frozen(mark_safe("a"))  # a safe string is not escaped: other HTML
    assert frozen(True) != frozen(1) and frozen(1) != frozen(1.0)
    assert frozen({"a": 1, "b": 2}) != frozen({"b": 2, "a": 1})  # attributes render in order
    assert frozen([1]) != frozen((1,))


def test_a_context_holding_an_object_is_rendered_every_time() -> None:
    renderer = RememberingRenderer()
    form = Filters({})
    assert renderer.render("django/forms/div.html", {"form": form, "fields": []}) is not None
    assert renderer.kept == {}
