"""The overview's filters: read from the query string, so a view can be shared by its URL."""

from dataclasses import replace

from django import forms
from django.core.validators import RegexValidator

from geography.codes import level_of
from insights.services.figures import FigureQuery

# Years 1900–2099: police.uk starts in 2010, and a year 0000 is not a date at all.
MONTH = RegexValidator(r"^(19|20)\d{2}-(0[1-9]|1[0-2])$", "Enter a month as YYYY-MM, for example 2024-03.")


class OverviewFilters(forms.Form):
    source = forms.ChoiceField(choices=[("police", "Police recorded crime"), ("ed", "Emergency department assaults")],
                               required=False)
    area = forms.CharField(required=False, max_length=9, label="Area code (local authority, ward, MSOA or LSOA)")
    type = forms.CharField(required=False, max_length=100, label="Crime type or means of assault")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "from" and "to" are Python keywords, so these fields are added by name.
        self.fields["from"] = forms.CharField(required=False, validators=[MONTH], label="From (YYYY-MM)")
        self.fields["to"] = forms.CharField(required=False, validators=[MONTH], label="To (YYYY-MM)")

    def clean_area(self) -> str:
        area = self.cleaned_data["area"].strip().upper()
        if area and level_of(area) not in ("lsoa", "msoa", "ward", "lad"):
            raise forms.ValidationError("Enter an ONS code of a local authority (E08…), ward (E05…), MSOA (E02…) "
                                        "or LSOA (E01…).")
        return area

    def clean(self) -> dict:
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", "The end month must not be before the start month.")
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
