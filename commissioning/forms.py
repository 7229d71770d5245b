"""Forms: the public dashboard's filters, and the commissioners' project, funder and import forms."""

from django import forms

from commissioning.models import Funder, Programme, Project, Theme
from commissioning.services.dashboard import ProjectFilters, award_years
from commissioning.services.projects import format_locations, parse_locations
from core.models import Organisation
from geography.codes import level_of, parse_area_codes
from monitoring.models import OutcomeMeasure
from monitoring.services.periods import financial_year_label


class DashboardFilters(forms.Form):
    q = forms.CharField(required=False, max_length=100, label="Search")
    theme = forms.ChoiceField(required=False, choices=[("", "All themes"), *Theme.choices])
    funder = forms.ModelChoiceField(required=False, queryset=Funder.objects.all(), empty_label="All funders")
    provider = forms.ModelChoiceField(required=False, queryset=Organisation.objects.filter(
        projects__is_published=True).distinct(), empty_label="All providers")
    area = forms.CharField(required=False, max_length=9, label="Area code (local authority, ward or LSOA)")
    year = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Financial year awarded")
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Project.Status.choices])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", "All years")] + [(y, financial_year_label(y)) for y in award_years()]

    def clean_area(self) -> str:
        area = self.cleaned_data["area"].strip().upper()
        if area and level_of(area) is None:
            raise forms.ValidationError("Enter an ONS area code, such as E08000025 (a local authority).")
        return area

    def filters(self) -> ProjectFilters:
        data = self.cleaned_data
        return ProjectFilters(text=data.get("q") or "", theme=data.get("theme") or "",
                              funder=data["funder"].pk if data.get("funder") else None,
                              provider=data["provider"].pk if data.get("provider") else None,
                              area=data.get("area") or "", year=data.get("year"), status=data.get("status") or "")


class ProjectForm(forms.ModelForm):
    area_codes_text = forms.CharField(
        required=False, label="Areas served",
        help_text="ONS codes separated by spaces or semicolons, e.g. E08000025 E05011118.")
    delivery_locations = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Delivery locations",
        help_text="One place per line: name, latitude, longitude (a school or venue, never a home address).")

    class Meta:
        model = Project
        fields = ["identifier", "title", "description", "provider", "funder", "programme", "amount_awarded",
                  "award_date", "planned_start", "planned_end", "theme", "target_cohort", "age_from", "age_to",
                  "status", "is_published", "return_period_months"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "award_date": forms.DateInput(attrs={"type": "date"}),
                   "planned_start": forms.DateInput(attrs={"type": "date"}),
                   "planned_end": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["area_codes_text"].initial = " ".join(self.instance.area_codes or [])
            self.fields["delivery_locations"].initial = format_locations(list(self.instance.locations.all())
                                                                         ).replace("; ", "\n")
            self.fields["identifier"].disabled = True

    def clean_area_codes_text(self) -> list[str]:
        try:
            return parse_area_codes(self.cleaned_data["area_codes_text"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_delivery_locations(self) -> list[tuple[str, float, float]]:
        try:
            return parse_locations(self.cleaned_data["delivery_locations"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self) -> dict:
        data = super().clean()
        self.instance.area_codes = data.get("area_codes_text") or []
        return data


class ProjectRowForm(ProjectForm):
    """One row of a project spreadsheet, checked by the project page's fields and the model's rules.

    A row names its provider, funder and programme (matched or created when saved), so those are checked
    there; the identifier may already exist, since importing a row again updates the project it names.
    """

    class Meta(ProjectForm.Meta):
        fields = [f for f in ProjectForm.Meta.fields if f not in ("provider", "funder", "programme")] + [
            "external_id", "currency"]

    def validate_unique(self) -> None:
        """An identifier already used is the project the row updates, not a clash."""


class FunderForm(forms.ModelForm):
    class Meta:
        model = Funder
        fields = ["name", "org_identifier", "organisation"]


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["code", "title", "funder", "description"]


class OutcomeMeasureForm(forms.ModelForm):
    class Meta:
        model = OutcomeMeasure
        fields = ["name", "unit", "target"]


class ImportForm(forms.Form):
    KINDS = [("projects", "Project spreadsheet (the columns of the project download)"),
             ("360giving", "360Giving data (JSON, XLSX or CSV)")]
    kind = forms.ChoiceField(choices=KINDS, widget=forms.RadioSelect, initial="projects", label="What the file is")
    file = forms.FileField(help_text="CSV, XLSX or (360Giving) JSON, up to 20 MB.")
    theme = forms.ChoiceField(required=False, choices=[("", "—"), *Theme.choices],
                              label="Theme for grants that carry none (360Giving files from other funders)")

    MAX_BYTES = 20 * 1024 * 1024

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB.")
        if not upload.name.lower().endswith((".csv", ".xlsx", ".json")):
            raise forms.ValidationError("Upload a .csv, .xlsx or .json file.")
        return upload
