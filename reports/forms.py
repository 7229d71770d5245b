"""The analysts' report form: which report, for which year and area, in which edition."""

from django import forms

from geography.codes import level_of
from reports.models import ReportJob

EDITIONS = [("public", "Public (disclosure-controlled)"), ("partner", "Partner (not for publication)")]


class JobForm(forms.ModelForm):
    """A report to queue. The edition is a choice: declared as a ChoiceField, not the model's CharField with a Select
    widget, which would also render the CharField's ``maxlength="10"`` on the select (not valid on a select)."""

    edition = forms.ChoiceField(choices=EDITIONS, initial="public")

    class Meta:
        model = ReportJob
        fields = ["kind", "year", "financial", "area", "edition"]
        labels = {"financial": "Financial year (April to March)", "area": "Local authority code (blank: region)"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from insights.query.pickers import months_with_data

        # The year box offers the years the warehouse holds data for (a report of any other year has no figures).
        years = sorted({int(m[:4]) for m in months_with_data()}, reverse=True)
        if years:
            given = str(self.data.get("year", "")) if self.is_bound else ""
            choices = [(y, str(y)) for y in years]
            if given.isdecimal() and int(given) not in years:
                choices.append((int(given), given))
            self.fields["year"].widget = forms.Select(choices=choices)
            self.fields["year"].help_text = (f"Years with data: {years[-1]} to {years[0]}. A financial year starts in "
                                             "April of the year chosen (2024 is 2024/25).")
        else:
            self.fields["year"].help_text = "No data has been loaded yet."

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError("Enter a year such as 2024.")
        return year

    def clean_area(self) -> str:
        area = self.cleaned_data["area"].strip().upper()
        if area and level_of(area) != "lad":
            raise forms.ValidationError("Enter a local authority code (E06…, E07…, E08…, E09… or W06…).")
        return area
