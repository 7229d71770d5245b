"""The look comes from GOV.UK Frontend (static/vendor/govuk-frontend), not from hand-made look-alikes: no template
uses a class the design system replaced, the platform's stylesheet styles no bare element and defines none of
those classes, and every Django form renders GOV.UK markup through the form renderer (templates/django/forms/)."""

import re
from pathlib import Path

from django import forms
from django.template.loader import render_to_string

ROOT = Path(__file__).resolve().parent.parent.parent
# A generated report (reports/templates/reports/report.html) has its own print stylesheet, and a story's
# exported file its own inline one: neither loads GOV.UK Frontend. The reports app's pages do.
STANDALONE = {"report.html", "story_export.html"}
TEMPLATES = sorted(p for p in [*ROOT.glob("templates/**/*.html"), *ROOT.glob("*/templates/**/*.html")]
                   if p.name not in STANDALONE and ".venv" not in p.parts)
# The platform's old look-alike classes and the GOV.UK Frontend classes that replace them.
REPLACED = {"button": "govuk-button", "button--secondary": "govuk-button--secondary", "lead": "govuk-body-l",
            "banner": "govuk-inset-text or govuk-notification-banner", "form-group": "govuk-form-group",
            "form-group--error": "govuk-form-group--error", "hint": "govuk-hint",
            "error-message": "govuk-error-message",
            "error-summary": "govuk-error-summary", "note": "govuk-body-s", "source": "govuk-body-s",
            "summary": "govuk-summary-list", "status": "govuk-tag", "overdue": "govuk-tag govuk-tag--red",
            "num": "govuk-table__cell--numeric", "visually-hidden": "govuk-visually-hidden",
            "skip-link": "govuk-skip-link", "inline-label": "govuk-label", "pagination": "govuk-pagination",
            "current": "govuk-pagination__item--current", "with-sidebar": "govuk-grid-row", "vrp-nav":
            "govuk-service-navigation", "vrp-width": "govuk-width-container", "vrp-footer": "govuk-footer"}


def _classes(text: str) -> set[str]:
    """Every class name in the template's class attributes (template tags and variables left out)."""
    found: set[str] = set()
    for value in re.findall(r'class="((?:[^"{]|\{%.*?%\}|\{\{.*?\}\})*)"', text):
        found.update(re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", value).split())
    return found


def test_the_templates_are_found() -> None:
    assert len(TEMPLATES) > 80 and ROOT / "templates" / "base.html" in TEMPLATES


def test_no_template_uses_a_look_alike_class_govuk_frontend_replaces() -> None:
    used = {path.relative_to(ROOT).as_posix(): sorted(_classes(path.read_text(encoding="utf-8")) & set(REPLACED))
            for path in TEMPLATES}
    assert {path: names for path, names in used.items() if names} == {}


def test_tables_headings_and_buttons_carry_govuk_classes() -> None:
    bare = {}
    for path in TEMPLATES:
        if "django" in path.parts:  # the form renderer's widget templates merge the class in attrs.html
            continue
        text = path.read_text(encoding="utf-8")
        for tag, needed in (("table", "govuk-table"), ("th", "govuk-table__header"), ("td", "govuk-table__cell"),
                            ("h1", "govuk-heading-"), ("button", "govuk-button"), ("select", "govuk-select")):
            for opening in re.findall(rf"<{tag}(?=[\s>{{])(?:[^>{{]|\{{%.*?%\}}|\{{\{{.*?\}}\}})*>", text):
                if needed not in opening and not (tag == "button" and "link-button" in opening):
                    bare.setdefault(path.relative_to(ROOT).as_posix(), []).append(opening[:80])
    assert bare == {}


def test_the_platform_stylesheet_restyles_no_element_and_defines_no_look_alike() -> None:
    css = re.sub(r"/\*.*?\*/", "", (ROOT / "static" / "css" / "vrp.css").read_text(encoding="utf-8"), flags=re.S)
    selectors = [s.strip() for block in re.findall(r"([^{}]+)\{", css) for s in block.split(",")]
    selectors = [s for s in selectors if s and not s.startswith("@") and s != ":root"]
    defined = {name for s in selectors for name in re.findall(r"\.([a-zA-Z0-9_-]+)", s)}
    assert defined & set(REPLACED) == set()
    # GOV.UK Frontend styles type, tables and forms through its classes: a rule on a bare element would fight it.
    bare = [s for s in selectors if re.match(r"^(body|html|a|p|h[1-6]|table|th|td|caption|label|input|select|"
                                             r"textarea|button|fieldset|legend|details|summary|main|ul|ol|\*)\b", s)]
    assert bare == []


class Everything(forms.Form):
    name = forms.CharField(label="Name", help_text="As on the register")
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A"), ("b", "B")])
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)
    agreed = forms.BooleanField(label="I agree")
    colour = forms.ChoiceField(label="Colour", choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    days = forms.MultipleChoiceField(label="Days", choices=[("mon", "Monday")], widget=forms.CheckboxSelectMultiple,
                                     required=False)
    file = forms.FileField(label="File", required=False)
    marked = forms.CharField(label="Marked", required=False, widget=forms.TextInput(attrs={"class": "area-picker"}))


def test_every_form_renders_govuk_frontend_markup() -> None:
    html = str(Everything())
    for needed in ('<div class="govuk-form-group">', '<label class="govuk-label" for="id_name">',
                   '<div class="govuk-hint" id="id_name_helptext">As on the register</div>',
                   'class="govuk-input"', 'class="govuk-textarea"',
                   'class="govuk-checkboxes__input"', 'class="govuk-label govuk-checkboxes__label" for="id_agreed"',
                   '<fieldset class="govuk-fieldset"', 'class="govuk-radios govuk-radios--small"',
                   'class="govuk-radios__input"', 'class="govuk-file-upload"', 'class="govuk-input area-picker"'):
        assert needed in html, needed
    assert re.search(r'<select name="kind"[^>]* class="govuk-select"', html)
    assert 'aria-describedby="id_name_helptext"' in html
    # One class attribute per element: the renderer's class and a widget's own are merged, never repeated.
    assert not re.search(r'<[^>]*class="[^"]*"[^>]*class="', html)


def test_a_form_with_errors_gives_govuk_error_messages_and_an_error_summary_linking_to_each_field() -> None:
    form = Everything(data={"kind": "z"})
    html = str(form)
    assert html.count("govuk-form-group--error") == 4  # name, kind, agreed, colour
    assert '<p class="govuk-error-message" id="id_name_error"><span class="govuk-visually-hidden">Error:</span> ' \
           'This field is required.</p>' in html
    summary = render_to_string("errors.html", {"form": form})
    assert 'class="govuk-error-summary"' in summary and "There is a problem" in summary
    assert '<a href="#id_name">This field is required.</a>' in summary and 'href="#id_kind"' in summary


def test_a_page_form_uses_the_renderer(client, db) -> None:
    # The sign-in page writes its own fields; their widgets still come out in GOV.UK classes.
    html = client.get("/accounts/login/").content.decode()
    assert 'class="govuk-input"' in html and 'class="govuk-button"' in html
