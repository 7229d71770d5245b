"""The return form (reach grid, activity, outcome measures), the review form and the CSV upload form."""

from django import forms

from monitoring.models import AgeBand, OutcomeMeasure, Participation, Sex
from monitoring.services.returns import ACTIVITY_MEASURES, MAX_COUNT, ReturnFigures

ACTIVITY_LABELS = {"professionals_trained": "Professionals trained", "sessions_delivered": "Sessions delivered",
                   "referrals_made": "Referrals made"}


def reach_field_name(band: str, sex: str, participation: str) -> str:
    return f"reach__{band}__{sex}__{participation}"


class ReturnForm(forms.Form):
    provider_notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                     label="Notes for the commissioner",
                                     help_text="No names or details that could identify a young person.")

    def __init__(self, *args, measures: list[OutcomeMeasure], figures: ReturnFigures | None = None,
                 disabled: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        figures = figures or ReturnFigures()
        self.measures = measures
        for band in AgeBand:
            for sex in Sex:
                for participation in Participation:
                    self.fields[reach_field_name(band, sex, participation)] = forms.IntegerField(
                        min_value=0, max_value=MAX_COUNT, initial=figures.reach.get((band, sex, participation), 0),
                        label=f"{band.label}, {sex.label.lower()}, {participation.label.lower()}")
        for name in ACTIVITY_MEASURES:
            self.fields[name] = forms.IntegerField(min_value=0, max_value=MAX_COUNT, initial=getattr(figures, name),
                                                   label=ACTIVITY_LABELS[name])
        for measure in measures:
            self.fields[f"outcome__{measure.pk}"] = forms.DecimalField(
                required=False, max_digits=12, decimal_places=2, initial=figures.outcomes.get(measure.name),
                label=f"{measure.name} ({measure.unit})",
                help_text=f"Target {measure.target}" if measure.target is not None else "")
        self.fields["provider_notes"].initial = figures.provider_notes
        for field in self.fields.values():
            field.disabled = disabled

    def reach_grid(self) -> list[dict]:
        """Rows of the reach table for the template: one per age band, a bound field per sex and participation."""
        return [{"band": band.label, "cells": [self[reach_field_name(band, sex, p)] for sex in Sex
                                                for p in Participation]} for band in AgeBand]

    def reach_columns(self) -> list[str]:
        return [f"{sex.label}: {p.label.lower()}" for sex in Sex for p in Participation]

    def figures(self) -> ReturnFigures:
        data = self.cleaned_data
        return ReturnFigures(
            reach={(band.value, sex.value, p.value): data[reach_field_name(band, sex, p)] or 0
                   for band in AgeBand for sex in Sex for p in Participation},
            **{name: data[name] or 0 for name in ACTIVITY_MEASURES},
            outcomes={m.name: data[f"outcome__{m.pk}"] for m in self.measures
                      if data.get(f"outcome__{m.pk}") is not None},
            provider_notes=data.get("provider_notes") or "")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "Accept the return"),
                                          ("send_back", "Send it back to the provider")],
                                 widget=forms.RadioSelect, label="Decision")
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="Comment",
                              help_text="Required when sending back: say what the provider should change.")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "send_back" and not (data.get("comment") or "").strip():
            self.add_error("comment", "Say what the provider should change.")
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label="Returns CSV", help_text="Up to 5 MB. Columns: project, period_start, measure, "
                                                          "age_band, sex, participation, value.")
    submit_now = forms.BooleanField(required=False, label="Submit these returns for review now")

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 5 MB.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Upload a .csv file.")
        return upload


class ImpactForm(forms.Form):
    """What an impact evaluation counts and how far from the delivery points."""

    radius = forms.IntegerField(label="Radius around delivery points (metres)", min_value=50, max_value=3000,
                                initial=400, required=False)
    crime_type = forms.ChoiceField(label="Offences", required=False, choices=[
        (label, label) for label in ("Violence and sexual offences", "Robbery", "Possession of weapons",
                                     "Public order", "Anti-social behaviour")])
