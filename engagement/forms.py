"""The facilitator's session form (laid out for a phone), and the event, network, import and feedback forms."""

from django import forms
from django.utils import timezone

from commissioning.models import Project, Theme
from core.age_bands import YOUNG_PEOPLE_BANDS, AgeBand
from core.models import Organisation
from core.region import current_region
from engagement.models import (
    Audience,
    Course,
    Event,
    FacilitatorTeam,
    Network,
    NetworkMembership,
    Sector,
    Session,
)
from engagement.services.sessions import MAX_COUNT, Counts, Professional, SessionDetails
from monitoring.models import Sex

#: How many blank professional rows the form starts with, and how many "add more" adds.
PROFESSIONAL_ROWS = 3
MORE_ROWS = 5
MAX_ROWS = 200
#: The counted cells the form shows: children and young people by band and sex; adults by sex.
ADULT_AUDIENCES = (Audience.PARENTS_CARERS, Audience.COMMUNITY)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def requested_rows(data: dict) -> int:
    """How many professional rows a submitted form had, plus more when "Add more rows" was pressed."""
    try:
        rows = int(data.get("rows", PROFESSIONAL_ROWS))
    except (TypeError, ValueError):
        rows = PROFESSIONAL_ROWS
    if "more" in data:
        rows += MORE_ROWS
    return min(MAX_ROWS, max(0, rows))


def count_field_name(audience: str, band: str, sex: str) -> str:
    return f"count__{audience}__{band}__{sex}"


def counted_cells() -> list[tuple[str, str, str]]:
    cells = [(Audience.YOUNG_PEOPLE.value, band.value, sex.value) for band in YOUNG_PEOPLE_BANDS for sex in Sex]
    cells += [(audience.value, AgeBand.AGED_25_PLUS.value, sex.value) for audience in ADULT_AUDIENCES for sex in Sex]
    return cells


def local_authority_choices() -> list[tuple[str, str]]:
    from insights.query.areas import area_names

    codes = current_region().lad_codes
    names = area_names(codes)
    return [("", "Not given")] + [(c, names.get(c, c)) for c in codes]


class SessionForm(forms.Form):
    """A session's details and who attended. Professionals are rows (``prof-N-…``); the number of rows
    grows by "Add more rows" (a plain submit, no JavaScript)."""

    course = forms.ModelChoiceField(queryset=Course.objects.none(), required=False, label="Course",
                                    help_text="The course taught; leave blank for a session of an event.")
    event = forms.ModelChoiceField(queryset=Event.objects.none(), required=False, label="Event",
                                   help_text="The event it was part of, if any.")
    date = forms.DateField(widget=DATE, label="Date")
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="Delivered by")
    project = forms.ModelChoiceField(queryset=Project.objects.none(), required=False, label="Project",
                                     help_text="The commissioned project it was delivered under, if any.")
    facilitator_team = forms.ModelChoiceField(queryset=FacilitatorTeam.objects.none(), required=False,
                                              label="Facilitator team")
    local_authority = forms.ChoiceField(required=False, label="Local authority")
    lsoa_code = forms.CharField(required=False, max_length=9, label="LSOA code",
                                help_text="If you know it, e.g. E01009001.")
    venue = forms.CharField(required=False, max_length=200, label="Venue",
                            help_text="A school, hall or centre: not a home address.")
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS, initial=PROFESSIONAL_ROWS)

    def __init__(self, *args, organisations, events, rows: int = PROFESSIONAL_ROWS,
                 session: Session | None = None, counts: Counts | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True)
        self.fields["event"].queryset = events
        self.fields["organisation"].queryset = organisations
        self.fields["project"].queryset = Project.objects.filter(provider__in=organisations).order_by("identifier")
        self.fields["facilitator_team"].queryset = FacilitatorTeam.objects.filter(organisation__in=organisations)
        self.fields["local_authority"].choices = local_authority_choices()
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
        self.fields["date"].initial = timezone.localdate()
        counts = counts or {}
        for cell in counted_cells():
            self.fields[count_field_name(*cell)] = forms.IntegerField(
                min_value=0, max_value=MAX_COUNT, required=False, initial=counts.get(cell, 0),
                label=Sex(cell[2]).label, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
        if session is not None:
            for name, value in (("course", session.course), ("event", session.event), ("date", session.date),
                                ("organisation", session.organisation), ("project", session.project),
                                ("facilitator_team", session.facilitator_team), ("local_authority", session.lad_code),
                                ("lsoa_code", session.lsoa_code), ("venue", session.venue)):
                self.fields[name].initial = value
        self.row_count = rows
        self.initial["rows"] = rows  # over a resubmitted form's own count, after "Add more rows"
        for index in range(self.row_count):
            add_professional_fields(self, index)

    def count_groups(self) -> list[dict]:
        """Fieldsets for the template: one per age band of young people, one per adult audience."""
        groups = [{"legend": f"Children and young people: {band.label.lower()}",
                   "fields": [self[count_field_name(Audience.YOUNG_PEOPLE, band, sex)] for sex in Sex]}
                  for band in YOUNG_PEOPLE_BANDS]
        groups += [{"legend": f"{audience.label} (adults)",
                    "fields": [self[count_field_name(audience, AgeBand.AGED_25_PLUS, sex)] for sex in Sex]}
                   for audience in ADULT_AUDIENCES]
        return groups

    def professional_rows(self) -> list[list]:
        return professional_rows(self, self.row_count)

    def details(self) -> SessionDetails:
        data = self.cleaned_data
        return SessionDetails(date=data["date"], organisation=data["organisation"], course=data.get("course"),
                              event=data.get("event"), project=data.get("project"),
                              facilitator_team=data.get("facilitator_team"),
                              lad_code=data.get("local_authority") or "",
                              lsoa_code=(data.get("lsoa_code") or "").strip().upper(), venue=data.get("venue") or "")

    def counts(self) -> Counts:
        return {cell: self.cleaned_data.get(count_field_name(*cell)) or 0 for cell in counted_cells()}

    def professionals(self) -> list[Professional]:
        return professionals_from(self, self.row_count)


def add_professional_fields(form: forms.Form, index: int) -> None:
    prefix = f"prof-{index}-"
    form.fields[prefix + "name"] = forms.CharField(required=False, max_length=200, label="Name")
    form.fields[prefix + "email"] = forms.EmailField(required=False, label="Email",
                                                     help_text="Counts them once however many sessions they attend.")
    form.fields[prefix + "organisation"] = forms.CharField(required=False, max_length=200, label="Organisation")
    form.fields[prefix + "sector"] = forms.ChoiceField(choices=[("", "Choose a sector"), *Sector.choices],
                                                       required=False, label="Sector")
    form.fields[prefix + "role"] = forms.CharField(required=False, max_length=120, label="Role")


def professional_rows(form: forms.Form, count: int) -> list[list]:
    return [[form[f"prof-{i}-{name}"] for name in ("name", "email", "organisation", "sector", "role")]
            for i in range(count)]


def professionals_from(form: forms.Form, count: int) -> list[Professional]:
    """The rows with anything in them (a row with only a sector counts as an unnamed professional)."""
    found = []
    for i in range(count):
        values = {name: (form.cleaned_data.get(f"prof-{i}-{name}") or "").strip()
                  for name in ("name", "email", "organisation", "sector", "role")}
        if any(values.values()):
            found.append(Professional(name=values["name"], email=values["email"], organisation=values["organisation"],
                                      sector=values["sector"] or Sector.OTHER, role=values["role"]))
    return found


class ProfessionalsForm(forms.Form):
    """More professionals for a recorded session."""

    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS, initial=PROFESSIONAL_ROWS)

    def __init__(self, *args, rows: int = PROFESSIONAL_ROWS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.row_count = rows
        self.initial["rows"] = rows  # over a resubmitted form's own count, after "Add more rows"
        for index in range(rows):
            add_professional_fields(self, index)

    def professional_rows(self) -> list[list]:
        return professional_rows(self, self.row_count)

    def professionals(self) -> list[Professional]:
        return professionals_from(self, self.row_count)


class FeedbackForm(forms.Form):
    """One respondent's confidence before and after, per competency of the course (1 to 5)."""

    SCALE = [("", "Not answered")] + [(str(n), f"{n}{' (not at all)' if n == 1 else ' (very)' if n == 5 else ''}")
                                      for n in range(1, 6)]

    def __init__(self, *args, competencies, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.competencies = competencies
        for competency in competencies:
            for when in ("before", "after"):
                self.fields[f"{when}-{competency.pk}"] = forms.TypedChoiceField(
                    choices=self.SCALE, coerce=int, empty_value=None, required=False,
                    label=f"{'Before' if when == 'before' else 'After'} the session")

    def questions(self) -> list[dict]:
        return [{"competency": c, "before": self[f"before-{c.pk}"], "after": self[f"after-{c.pk}"]}
                for c in self.competencies]

    def clean(self) -> dict:
        data = super().clean()
        for competency in self.competencies:
            pair = (data.get(f"before-{competency.pk}"), data.get(f"after-{competency.pk}"))
            if (pair[0] is None) != (pair[1] is None):
                self.add_error(f"after-{competency.pk}", f"Answer both before and after for {competency.code}, "
                                                         "or neither.")
        return data

    def answers(self) -> dict[int, tuple[int, int]]:
        return {c.pk: (self.cleaned_data[f"before-{c.pk}"], self.cleaned_data[f"after-{c.pk}"])
                for c in self.competencies if self.cleaned_data.get(f"before-{c.pk}") is not None}


class UploadForm(forms.Form):
    file = forms.FileField(label="Attendance file (CSV)", help_text="Up to 5 MB.")
    file_format = forms.ChoiceField(choices=[("eventbrite", "Eventbrite attendee report"),
                                             ("csv", "The platform's attendance CSV")], label="What the file is",
                                    widget=forms.RadioSelect, initial="eventbrite")
    checked_in_only = forms.BooleanField(required=False, label="Count only people Eventbrite shows as checked in")

    def __init__(self, *args, eventbrite_only: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if eventbrite_only:  # a session's own page takes its Eventbrite report, nothing else
            del self.fields["file_format"]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 5 MB.")
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("Upload a .csv file.")
        return upload


class FeedbackUploadForm(forms.Form):
    file = forms.FileField(label="Feedback CSV", help_text="Columns: session, respondent, competency, before, after.")

    def clean_file(self) -> object:
        return UploadForm.clean_file(self)


class EventForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False,
                                       label="Themes it served")
    area_codes = forms.MultipleChoiceField(choices=[], widget=forms.CheckboxSelectMultiple, required=False,
                                           label="Places it served")

    class Meta:
        model = Event
        fields = ["code", "title", "kind", "description", "organisation", "themes", "area_codes", "start_date",
                  "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        labels = {"organisation": "Run by"}

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["area_codes"].choices = local_authority_choices()[1:]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("end_date") and data.get("start_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", "The event ends before it starts.")
        return data


class MemberForm(forms.ModelForm):
    class Meta:
        model = NetworkMembership
        fields = ["kind", "organisation", "directory_organisation", "name", "role", "member_of", "joined_on"]
        widgets = {"joined_on": DATE}
        labels = {"organisation": "Organisation on the platform", "directory_organisation":
                  "Organisation in the directory", "name": "Name (a person, or another organisation)",
                  "member_of": "Their organisation (for a person)"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["joined_on"].initial = timezone.localdate()


class LeavingForm(forms.Form):
    left_on = forms.DateField(widget=DATE, label="Left on", initial=timezone.localdate)


class NetworkForm(forms.ModelForm):
    class Meta:
        model = Network
        fields = ["name", "kind", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
