"""Search filters and the editors' item form."""

from django import forms

from commissioning.models import Project, Theme
from evidence.models import Design, EvidenceItem, ImpactBand, Kind, Setting
from evidence.services.search import SearchFilters
from geography.codes import parse_area_codes


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label="Search")
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Kind.choices])
    theme = forms.ChoiceField(required=False, choices=[("", "Any theme"), *Theme.choices])
    design = forms.ChoiceField(required=False, choices=[("", "Any design"), *Design.choices],
                               label="Evaluation design")
    impact = forms.ChoiceField(required=False, choices=[("", "Any rating"), *ImpactBand.choices],
                               label="Impact on violence (YEF)")
    year = forms.IntegerField(required=False, min_value=1900, max_value=2100)
    area = forms.CharField(required=False, max_length=9, label="Area code")

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(words=data.get("q") or "", kind=data.get("kind") or "", theme=data.get("theme") or "",
                             design=data.get("design") or "", impact=data.get("impact") or "",
                             year=data.get("year"), area=(data.get("area") or "").strip().upper())


class ItemForm(forms.ModelForm):
    themes = forms.MultipleChoiceField(required=False, choices=Theme.choices, widget=forms.CheckboxSelectMultiple)
    settings = forms.MultipleChoiceField(required=False, choices=Setting.choices,
                                         widget=forms.CheckboxSelectMultiple)
    area_codes_text = forms.CharField(required=False, label="Places (ONS codes)",
                                      help_text="Separated by spaces or semicolons.")
    links_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}), label="External links",
                                 help_text="One per line: title | https://…")
    projects = forms.ModelMultipleChoiceField(required=False, queryset=Project.objects.all(),
                                              label="Commissioned projects it informed or evaluated")

    class Meta:
        model = EvidenceItem
        fields = ["title", "summary", "kind", "authors", "organisations", "published_on", "themes",
                  "intervention_type", "settings", "age_from", "age_to", "design", "sample_size", "findings",
                  "sara_scanning", "sara_analysis", "sara_response", "sara_assessment", "yef_impact_band",
                  "yef_impact_percent", "yef_evidence_quality", "yef_cost", "emmie_effect", "emmie_mechanism",
                  "emmie_moderators", "emmie_implementation", "emmie_economic", "rating_notes", "status",
                  "visibility", "projects"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"}),
                   **{f: forms.Textarea(attrs={"rows": 3}) for f in (
                       "summary", "findings", "sara_scanning", "sara_analysis", "sara_response", "sara_assessment",
                       "rating_notes")}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["area_codes_text"].initial = " ".join(self.instance.area_codes or [])
            self.fields["links_text"].initial = "\n".join(f"{link['title']} | {link['url']}"
                                                          for link in self.instance.links or [])

    def clean_area_codes_text(self) -> list[str]:
        try:
            return parse_area_codes(self.cleaned_data["area_codes_text"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean_links_text(self) -> list[dict[str, str]]:
        links = []
        validate = forms.URLField(assume_scheme="https").clean
        for line in self.cleaned_data["links_text"].splitlines():
            if not line.strip():
                continue
            title, _, url = line.rpartition("|")
            url = url.strip()
            if not url.startswith(("https://", "http://")):
                raise forms.ValidationError(f"{line.strip()!r}: write 'title | https://…'")
            links.append({"title": title.strip() or url, "url": validate(url)})
        return links

    def clean(self) -> dict:
        data = super().clean()
        if data.get("age_from") is not None and data.get("age_to") is not None and data["age_to"] < data["age_from"]:
            self.add_error("age_to", "The upper age is below the lower age.")
        self.instance.area_codes = data.get("area_codes_text") or []
        self.instance.links = data.get("links_text") or []
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label="Attach a PDF or Word file", help_text="Up to 20 MB; its text is searched.")
