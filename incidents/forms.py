"""Incident, response and action forms; free text is checked for obvious identifiers as it is validated."""

from django import forms

from core.models import Organisation
from incidents.models import Action, AgeBand, Incident, ResponseProtocol, TimelineEntry
from incidents.services.identifiers import identifiers_in

NO_IDENTIFIERS = "No names, addresses, postcodes, phone numbers or dates of birth."
LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CheckedTextMixin:
    """Adds an error to each listed text field that holds an obvious identifier."""

    checked_fields: tuple[str, ...] = ()

    def clean(self) -> dict:
        data = super().clean()
        for name in self.checked_fields:
            for found in identifiers_in(data.get(name) or ""):
                self.add_error(name, f"Remove {found}. {NO_IDENTIFIERS}")
        return data


class IncidentForm(CheckedTextMixin, forms.ModelForm):
    checked_fields = ("summary", "settings_affected")
    school_urns = forms.CharField(required=False, label="Schools affected (URNs)",
                                  help_text="Get Information About Schools URNs, separated by spaces.")

    def clean_school_urns(self) -> list:
        from places.models import School

        urns = [u for u in self.cleaned_data["school_urns"].replace(",", " ").split() if u]
        if any(not u.isdecimal() for u in urns):
            raise forms.ValidationError("A URN is a number, e.g. 103120.")
        found = {s.urn: s for s in School.objects.filter(urn__in=[int(u) for u in urns])}
        missing = [u for u in urns if int(u) not in found]
        if missing:
            raise forms.ValidationError(f"No school has the URN {', '.join(missing)}.")
        return list(found.values())
    age_bands = forms.MultipleChoiceField(required=False, choices=AgeBand.choices,
                                          widget=forms.CheckboxSelectMultiple, label="Age bands of those involved")

    class Meta:
        model = Incident
        fields = ["occurred_at", "incident_type", "severity", "lsoa_code", "latitude", "longitude",
                  "settings_affected", "age_bands", "summary"]
        widgets = {"occurred_at": LOCAL_DATETIME, "summary": forms.Textarea(attrs={"rows": 3})}
        labels = {"occurred_at": "When it happened (UK time)", "lsoa_code": "LSOA code (if known)"}
        help_texts = {"summary": NO_IDENTIFIERS}


class InviteForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), label="Invite an organisation")


class StartResponseForm(forms.Form):
    protocol = forms.ModelChoiceField(queryset=ResponseProtocol.objects.filter(is_active=True),
                                      label="Response protocol")


class NoteForm(CheckedTextMixin, forms.Form):
    checked_fields = ("text",)
    kind = forms.ChoiceField(choices=[(TimelineEntry.Kind.UPDATE, "Update"),
                                      (TimelineEntry.Kind.MEETING, "Meeting note")], label="Kind of note")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Note", help_text=NO_IDENTIFIERS)
    audience = forms.ChoiceField(choices=[(TimelineEntry.Audience.INCIDENT, "Everyone working on this incident"),
                                          (TimelineEntry.Audience.ORGANISATION,
                                           "Only the coordinators and my organisation")],
                                 widget=forms.RadioSelect, label="Who sees this note")


class NewActionForm(CheckedTextMixin, forms.Form):
    checked_fields = ("title",)
    title = forms.CharField(max_length=200, label="Action")
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False, label="Owner")
    due_at = forms.DateTimeField(widget=LOCAL_DATETIME, label="Due (UK time)")


class ActionUpdateForm(CheckedTextMixin, forms.ModelForm):
    checked_fields = ("notes", "completion_evidence", "title")

    class Meta:
        model = Action
        fields = ["title", "organisation", "due_at", "status", "notes", "completion_evidence"]
        widgets = {"due_at": LOCAL_DATETIME, "notes": forms.Textarea(attrs={"rows": 2}),
                   "completion_evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, coordinator: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not coordinator:
            for name in ("title", "organisation", "due_at"):
                del self.fields[name]


class StatusForm(CheckedTextMixin, forms.Form):
    checked_fields = ("follow_up",)
    status = forms.ChoiceField(choices=Incident.Status.choices)
    follow_up = forms.CharField(required=False, max_length=200, label="Follow-up work when closing",
                                help_text="e.g. a year-long prevention plan for the school")
    follow_up_owner = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False,
                                             label="Follow-up owner")
    follow_up_due = forms.DateTimeField(required=False, widget=LOCAL_DATETIME, label="Follow-up due (UK time)")
    create_plans = forms.BooleanField(required=False, label="When closing, start a prevention plan for each school "
                                                            "affected")
