"""The remembering form renderer gives the HTML the configured renderer gives, for every state of a widget."""

from django import forms
from django.utils.safestring import mark_safe

from core.widget_memo import ConfiguredRenderer, RememberedSelect, RememberingRenderer, frozen


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


class Pickers(forms.Form):
    month = forms.CharField(required=False, widget=RememberedSelect(choices=[
        ("", "Latest"), ("2024-01", "January 2024"), ("2024-02", "February <2024>")]))
    kind = forms.CharField(required=True, widget=RememberedSelect(choices=[
        ("", "All"), ("Police", [("Robbery", "Robbery"), ("Drugs", "Drugs")])]))


class PlainPickers(forms.Form):
    month = forms.CharField(required=False, widget=forms.Select(choices=Pickers.base_fields["month"].widget.choices))
    kind = forms.CharField(required=True, widget=forms.Select(choices=Pickers.base_fields["kind"].widget.choices))


def test_a_remembered_select_gives_djangos_html_for_every_state_without_building_it_again(monkeypatch) -> None:
    RememberedSelect.kept.clear()
    states = [{}, {"month": "2024-01"}, {"month": "2024-02", "kind": "Drugs"}, {"month": "2024-01"},
              {"month": "x", "kind": "Robbery"}, {"month": "2024-02", "kind": "Drugs"}]
    for data in states:
        remembered, plain = Pickers(data), PlainPickers(data)
        remembered.is_valid(), plain.is_valid()  # errors change the attributes: kept apart
        assert [str(remembered[n]) for n in ("month", "kind")] == [str(plain[n]) for n in ("month", "kind")]
    built = []
    context = forms.Select.get_context
    monkeypatch.setattr(forms.Select, "get_context", lambda *a, **k: built.append(1) or context(*a, **k))
    form = Pickers({"month": "2024-02", "kind": "Drugs"})
    form.is_valid()
    assert 'value="2024-02" selected' in str(form["month"]) and "February &lt;2024&gt;" in str(form["month"])
    str(form["kind"])
    assert built == []  # both selects in a state seen before: not built again
    str(Pickers()["kind"])  # unbound: no value, no error
    assert built == [1]  # a new state is
