"""Forms for the strategy, governance and consultations; the writes go through ``strategy.services.plan``."""

from django import forms

from commissioning.models import Project, Theme
from core.age_bands import AgeBand
from core.models import Organisation
from evidence.models import EvidenceItem
from incidents.models import Action
from partners.services.success import MEASURES as SUCCESS_MEASURES
from places.models import PreventionPlan
from strategy.models import Board, BoardAction, Commitment, Consultation, Measure, Strategy
from strategy.services.figures import FIGURES

DATE = forms.DateInput(attrs={"type": "date"})


class StrategyForm(forms.ModelForm):
    class Meta:
        model = Strategy
        fields = ["year", "title", "summary", "sna_reference", "is_published"]


class PriorityForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    sna_findings = forms.CharField(label="SNA findings it answers", required=False,
                                   widget=forms.Textarea(attrs={"rows": 4}),
                                   help_text="One finding per line, as the Strategic Needs Assessment states it.")


def _name_follow_ups(form: forms.Form, viewer: object) -> None:
    """Name each incident follow-up in the list as ``viewer`` may see it: its title only where the incidents'
    own rules show them that action, else its owner, status and due date."""
    from strategy.services.plan import follow_up_label, follow_up_titles_seen

    field = form.fields["incident_follow_ups"]
    field.queryset = field.queryset.select_related("organisation")
    seen = follow_up_titles_seen(viewer, list(field.queryset))
    field.label_from_instance = lambda action: follow_up_label(action, action.pk in seen)


class CommitmentForm(forms.Form):
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    owner = forms.ModelChoiceField(Organisation.objects.all(), label="Owner organisation")
    due_date = forms.DateField(widget=DATE)
    projects = forms.ModelMultipleChoiceField(Project.objects.order_by("identifier"), required=False,
                                              label="Projects delivering it")
    school_plans = forms.ModelMultipleChoiceField(PreventionPlan.objects.select_related("school"), required=False,
                                                  label="School prevention plans")
    incident_follow_ups = forms.ModelMultipleChoiceField(Action.objects.filter(is_follow_up=True), required=False,
                                                         label="Incident follow-up work")
    evidence = forms.ModelMultipleChoiceField(EvidenceItem.objects.all(), required=False, label="Evidence items")

    def __init__(self, *args, viewer: object = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _name_follow_ups(self, viewer)


class CommitmentEditForm(forms.Form):
    """A commitment's words, owner and due date, changed (what delivers it: ``LinksForm``)."""

    title = CommitmentForm.base_fields["title"]
    description = CommitmentForm.base_fields["description"]
    owner = CommitmentForm.base_fields["owner"]
    due_date = CommitmentForm.base_fields["due_date"]


class WithdrawForm(forms.Form):
    """Why a commitment or measure is withdrawn: it is kept, marked withdrawn, and left out of statuses and the
    public strategy."""

    reason = forms.CharField(label="Why is it withdrawn?", widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Kept with the record and in the audit log. No names or contact details.")


class LinksForm(forms.Form):
    """What delivers a commitment, changed after it was written (a new project, a follow-up from a later
    incident)."""

    projects = CommitmentForm.base_fields["projects"]
    school_plans = CommitmentForm.base_fields["school_plans"]
    incident_follow_ups = CommitmentForm.base_fields["incident_follow_ups"]
    evidence = CommitmentForm.base_fields["evidence"]

    def __init__(self, *args, viewer: object = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _name_follow_ups(self, viewer)


class MeasureForm(forms.ModelForm):
    figure = forms.ChoiceField(choices=[(f.name, f"{f.label} ({f.disclosure})") for f in FIGURES.values()])
    theme = forms.ChoiceField(choices=[("", "Every theme"), *Theme.choices], required=False,
                              help_text="For reach and training: the theme to count.")
    outcome_measure = forms.IntegerField(required=False, label="Outcome measure id",
                                         help_text="For an outcome figure: the project's outcome measure.")
    success_measure = forms.ChoiceField(choices=[("", "None"), *((m.key, m.label) for m in SUCCESS_MEASURES)],
                                        required=False, help_text="For a success measure: which one (counted by "
                                                                  "whole calendar or financial year).")

    class Meta:
        model = Measure
        fields = ["figure", "area_code", "baseline_from", "baseline_to", "period_from", "period_to", "target",
                  "direction"]
        help_texts = {"baseline_from": "YYYY-MM", "baseline_to": "YYYY-MM", "period_from": "YYYY-MM",
                      "period_to": "YYYY-MM", "target": "The figure's target over the whole measured period."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A measure being edited shows the subject it follows in the field its figure asks for.
        spec = FIGURES.get(self.instance.figure or "")
        if self.instance.pk and spec and self.instance.subject:
            field = {"outcome": "outcome_measure", "theme": "theme", "success": "success_measure"}.get(spec.subject)
            if field:
                self.initial[field] = self.instance.subject

    def clean(self) -> dict:
        data = super().clean()
        spec = FIGURES.get(data.get("figure", ""))
        if spec and spec.subject == "outcome":
            if not data.get("outcome_measure"):
                self.add_error("outcome_measure", "Give the outcome measure this figure follows.")
            self.instance.subject = str(data.get("outcome_measure") or "")
        elif spec and spec.subject == "theme":
            self.instance.subject = data.get("theme") or ""
        elif spec and spec.subject == "success":
            if not data.get("success_measure"):
                self.add_error("success_measure", "Choose the success measure this figure follows.")
            self.instance.subject = data.get("success_measure") or ""
        elif spec:
            self.instance.subject = ""  # a figure without a subject (an edited measure may have had one)
        return data


class UpdateForm(forms.Form):
    text = forms.CharField(label="Progress update", widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="What has happened since the last update. No names or contact details.")


class BoardForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["name", "purpose", "members"]


class MeetingForm(forms.Form):
    held_on = forms.DateField(widget=DATE, label="Date")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, board: Board, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = list(board.members.all())
        for organisation in self.members:
            self.fields[f"people_{organisation.pk}"] = forms.IntegerField(
                min_value=0, max_value=50, initial=0, required=False, label=f"People from {organisation.name}")

    def attendance(self) -> dict[Organisation, int]:
        return {o: self.cleaned_data.get(f"people_{o.pk}") or 0 for o in self.members}


class DecisionForm(forms.Form):
    text = forms.CharField(label="Decision", widget=forms.Textarea(attrs={"rows": 2}))
    commitment = forms.ModelChoiceField(Commitment.objects.all(), required=False)


class BoardActionForm(forms.Form):
    title = forms.CharField(max_length=200, label="Action")
    organisation = forms.ModelChoiceField(Organisation.objects.all(), label="Owner")
    due_at = forms.DateTimeField(widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), label="Due")


class BoardActionUpdateForm(forms.ModelForm):
    class Meta:
        model = BoardAction
        fields = ["status", "notes", "completion_evidence", "organisation", "due_at"]
        widgets = {"due_at": forms.DateTimeInput(attrs={"type": "datetime-local"})}

    def __init__(self, *args, manager: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not manager:
            for name in ("organisation", "due_at"):
                del self.fields[name]


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["name", "held_on", "area_code", "is_published"]
        widgets = {"held_on": DATE}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for band in AgeBand:
            self.fields[f"band_{band.value}"] = forms.IntegerField(min_value=0, required=False, initial=0,
                                                                   label=f"Participants aged {band.label.lower()}")

    def clean(self) -> dict:
        data = super().clean()
        self.instance.participants = {b.value: data.get(f"band_{b.value}") or 0 for b in AgeBand
                                      if data.get(f"band_{b.value}")}
        return data


class IdeaForm(forms.Form):
    text = forms.CharField(label="You said", widget=forms.Textarea(attrs={"rows": 2}))
    raised_by = forms.IntegerField(min_value=1, initial=1, label="How many raised it")
    response = forms.CharField(label="We did", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    commitments = forms.ModelMultipleChoiceField(Commitment.objects.all(), required=False,
                                                 label="Commitments that answer it")


class SpendYearForm(forms.Form):
    """The spend page's year (a financial year by its first year)."""

    year = forms.IntegerField(min_value=2000, max_value=2100, required=False, label="Financial year (first year)")
