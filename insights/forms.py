"""The overview's filters: read from the query string, so a view can be shared by its URL."""

from collections.abc import Iterator
from dataclasses import replace

from django import forms
from django.core.validators import RegexValidator
from django.utils.choices import BaseChoiceIterator

from core.templatetags.vrp_paths import fixed_path
from core.widget_memo import RememberedSelect
from insights.query import pickers
from insights.query.figures import FigureQuery

# Years 1900–2099: police.uk starts in 2010, and a year 0000 is not a date at all.
MONTH = RegexValidator(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", "Enter a month as YYYY-MM, for example 2024-03.")


class Normalised(BaseChoiceIterator):
    """Choices already in Django's normal form (value and label pairs, or groups of them): a widget takes them as
    they are instead of normalising them again on every page (a hundred months, twice, and the types)."""

    def __init__(self, choices: list) -> None:
        self.choices = choices

    def __iter__(self) -> Iterator:
        return iter(self.choices)


class OverviewFilters(forms.Form):
    source = forms.ChoiceField(choices=[("police", "Police recorded crime"), ("ed", "Emergency department assaults")],
                               required=False)
    area = forms.CharField(
        required=False, max_length=120, label="Area",
        help_text="Type a name, an ONS code or a postcode: a local authority, ward, MSOA or LSOA.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "class": "area-picker", "spellcheck": "false",
                                      "role": "combobox", "aria-autocomplete": "list", "aria-expanded": "false",
                                      "aria-controls": "area-suggestions", "aria-describedby": "id_area-hint"}))
    type = forms.CharField(required=False, max_length=100, label="Crime type or means of assault",
                           widget=RememberedSelect)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].widget.attrs["data-search-url"] = fixed_path("insights:areas")
        if self.is_bound and pickers.CODE.match(self.data.get("area") or ""):
            # A code in the URL is shown as the area's name with its code, which reads back to the same code.
            self.data = self.data.copy()
            self.data["area"] = pickers.area_label(self.data["area"].strip().upper())
        # "from" and "to" are Python keywords, so these fields are added by name. Both offer only the months the
        # warehouse holds; the regular expression still guards a month typed into the URL.
        months = pickers.months_with_data()
        options = pickers.month_options()
        for name, label, blank in (("from", "From", "Latest 12 months"), ("to", "To", "Latest month")):
            given = self.data.get(name) if self.is_bound else None
            offered = options
            if given and MONTH.regex.match(given) and given not in months:
                offered = sorted([*options, (given, pickers.month_label(given))])
            self.fields[name] = forms.CharField(required=False, validators=[MONTH], label=label,
                                                widget=RememberedSelect(choices=Normalised([("", blank), *offered])))
        types = pickers.type_choices()
        given_type = (self.data.get("type") or "") if self.is_bound else ""
        known = {value for _, group in types for value, _ in group}
        extra = [(given_type, given_type)] if given_type and given_type not in known else []
        self.fields["type"].widget.choices = Normalised([("", "All types"), *extra, *types])
        for field in self.fields.values():
            # GOV.UK Frontend's classes for its text input and select components.
            kind = "govuk-select" if isinstance(field.widget, forms.Select) else "govuk-input"
            field.widget.attrs["class"] = f"{kind} {field.widget.attrs.get('class', '')}".strip()

    def clean_area(self) -> str:
        text = self.cleaned_data["area"].strip()
        if not text:
            return ""
        code = pickers.resolve_area(text)
        if code is None:
            raise forms.ValidationError("No local authority, ward, MSOA or LSOA has that name, code or postcode. "
                                        "Type the first letters of its name and choose it from the list.")
        return code

    def area_display(self) -> str:
        """The chosen area as people read it: "Easton Borough (E08900002)"."""
        if self.is_bound and self.is_valid():
            return pickers.area_label(self.cleaned_data.get("area"))
        return (self.data.get("area") or "") if self.is_bound else ""

    def clean(self) -> dict:
        data = super().clean()
        source = data.get("source") or "police"
        if data.get("type"):
            data["type"] = known_type(source, data["type"], self)
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", "The end month must not be before the start month.")
        elif data.get("from") or data.get("to"):
            # A period the source holds no data for at all would show zeros (or nothing) under a title naming
            # it: refuse it, saying which months there are, as the hotspots page does.
            held = pickers.months_with_data(source)
            wanted_from, wanted_to = data.get("from") or (held[0] if held else ""), data.get("to") or ""
            if held and (wanted_from > held[-1] or (wanted_to and wanted_to < held[0])):
                self.add_error("from" if wanted_from > held[-1] else "to",
                               f"There is no {source} data in that period: the data covers "
                               f"{pickers.month_label(held[0])} to {pickers.month_label(held[-1])}.")
        return data

    def query(self, default: FigureQuery) -> FigureQuery:
        """The filters over ``default`` (the region's latest 12 months): blanks keep the default."""
        data = self.cleaned_data
        area = data.get("area") or None
        return replace(
            default, source=data.get("source") or default.source,
            month_from=data.get("from") or default.month_from, month_to=data.get("to") or default.month_to,
            area=area, types=(data["type"],) if data.get("type") else (),
            lad_codes=() if area else default.lad_codes, no_location=default.no_location and not area)


def known_type(source: str, given: str, form: forms.Form) -> str:
    """``given`` as the source's own spelling of a crime type (police) or means of assault (ED), matched
    without regard to case; anything else is a form error naming the known ones (never an empty figure)."""
    police, ed = (dict(group) for _, group in pickers.type_choices())
    names = list(ed if source == "ed" else police)
    match = next((n for n in names if n.casefold() == given.strip().casefold()), None)
    if match is None:
        form.add_error("type", f"unknown type {given!r} for {source} (known: {', '.join(names)})")
        return given
    return match
