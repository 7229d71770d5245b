"""Forms for schools' plans, routes and the directory."""

import xml.etree.ElementTree as ElementTree  # noqa: N813 - the module's usual name

from django import forms

from places.models import PlanItem, PreventionPlan, Route, Schedule, Service, TaxonomyTerm
from places.services.routes import validate_line


class PlanForm(forms.ModelForm):
    incident_reference = forms.CharField(required=False, label="Responding to incident (reference)")

    class Meta:
        model = PreventionPlan
        fields = ["academic_year", "notes"]


class PlanItemForm(forms.ModelForm):
    class Meta:
        model = PlanItem
        fields = ["intervention", "term", "audience", "project", "provider_name", "status"]


class RouteForm(forms.ModelForm):
    line = forms.CharField(required=False, widget=forms.HiddenInput, label="Route line")
    line_file = forms.FileField(required=False, label="Or upload the line (GeoJSON or GPX)")
    school_urn = forms.IntegerField(required=False, label="School URN")

    class Meta:
        model = Route
        fields = ["name", "start_date", "is_comparison", "days", "start_time", "end_time",
                  "chaperone_shifts_per_week", "children_walking"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}),
                   "start_time": forms.TimeInput(attrs={"type": "time"}),
                   "end_time": forms.TimeInput(attrs={"type": "time"})}

    def clean(self) -> dict:
        data = super().clean()
        text = data.get("line") or ""
        upload = data.get("line_file")
        if upload:
            if upload.size > 2 * 1024 * 1024:
                self.add_error("line_file", "The file is larger than 2 MB.")
                return data
            raw = upload.read().decode("utf-8", errors="replace")
            text = gpx_to_geojson(raw) if upload.name.lower().endswith(".gpx") else raw
        if not text:
            self.add_error("line", "Draw the route on the map or upload it.")
            return data
        try:
            self.instance.line_geojson = validate_line(text)
        except ValueError as exc:
            self.add_error("line_file" if upload else "line", f"The route line: {exc}.")
        return data


def gpx_to_geojson(text: str) -> str:
    """A GPX track or route as a GeoJSON LineString (its points in order)."""
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 - no external entities are fetched by the stdlib parser
    except ElementTree.ParseError as exc:
        return f"not GPX: {exc}"
    try:
        points = [[float(p.get("lon")), float(p.get("lat"))] for p in root.iter()
                  if p.tag.endswith(("trkpt", "rtept")) and p.get("lat") and p.get("lon")]
    except ValueError as exc:
        return f"not GPX: a point's lat or lon is not a number ({exc})"
    import json

    return json.dumps({"type": "LineString", "coordinates": points})


class DirectorySearchForm(forms.Form):
    search = forms.CharField(required=False, max_length=100, label="What")
    postcode = forms.CharField(required=False, max_length=10, label="Near postcode")
    proximity = forms.IntegerField(required=False, min_value=100, max_value=20000, label="Within (metres)")
    day = forms.ChoiceField(required=False, choices=[("", "Any day"), *Schedule.DAYS])
    age = forms.IntegerField(required=False, min_value=0, max_value=120, label="Age")
    taxonomy_term_id = forms.ChoiceField(required=False, label="Activity")
    season = forms.ChoiceField(required=False, choices=[("", "Any time of year"), ("term_time", "Term time"),
                                                        ("holidays", "School holidays")], label="When")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["taxonomy_term_id"].choices = [("", "Any activity")] + [
            (t.code, t.name) for t in TaxonomyTerm.objects.all()]


class SubmissionForm(forms.ModelForm):
    url = forms.URLField(required=False, assume_scheme="https", label="Web page")
    organisation_name = forms.CharField(max_length=200)
    organisation_description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    faith_alliance_member = forms.BooleanField(required=False, label="We are a Faith Alliance member")
    location_name = forms.CharField(max_length=200, label="Where it happens (venue)")
    postcode = forms.CharField(max_length=10)
    day = forms.ChoiceField(choices=Schedule.DAYS)
    opens_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Starts")
    closes_at = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}), label="Ends")
    season = forms.ChoiceField(choices=Schedule.Season.choices, label="When in the year")

    class Meta:
        model = Service
        fields = ["name", "description", "url", "email", "minimum_age", "maximum_age", "cost", "contact_name",
                  "contact_phone", "terms"]
        widgets = {"terms": forms.CheckboxSelectMultiple, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"terms": "Activities", "contact_name": "Contact (a role, not a private person)"}

    def clean(self) -> dict:
        from places.services.directory import postcode_point

        data = super().clean()
        if data.get("postcode") and postcode_point(data["postcode"]) is None:
            self.add_error("postcode", "The directory does not know this postcode; check it.")
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", "The end time is not after the start time.")
        return data
