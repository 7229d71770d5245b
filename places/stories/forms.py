"""The forms analysts write stories with; the services check the same rules again before anything lands."""

import re

from django import forms

from places.models import Route
from places.stories.models import Chapter, Story

CODE = re.compile(r"^[EWSNK]\d{8}$")


def _type_choices() -> list:
    from insights.ingest.ed import ASSAULT_METHODS
    from insights.ingest.police_uk_format import CRIME_TYPES

    return [("", "Every type"),
            ("Police recorded crime", [(t, t) for t in sorted(CRIME_TYPES.values())]),
            ("Emergency department: means of assault", [(m, m) for m in ASSAULT_METHODS])]


class NewStoryForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="One or two sentences shown under the title (plain text).")


class StoryForm(NewStoryForm):
    visibility = forms.ChoiceField(choices=Story.Visibility.choices, widget=forms.RadioSelect,
                                   label="Who can read it")


class ChapterForm(forms.ModelForm):
    highlight_codes = forms.CharField(
        required=False, label="Areas to outline",
        help_text="ONS codes separated by spaces or commas, e.g. E05011118 E01009288.")
    crime_type = forms.ChoiceField(required=False, label="Crime type or means of assault")
    routes = forms.ModelMultipleChoiceField(queryset=Route.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple, label="Step Together routes to draw",
                                            help_text="For stories published to partners only.")

    class Meta:
        model = Chapter
        fields = ["title", "body", "layer", "level", "source", "crime_type", "month_from", "month_to", "filter_area",
                  "extent_area", "west", "south", "east", "north", "highlight_codes", "routes"]
        labels = {"body": "Text", "layer": "Figures on the map", "level": "Areas (for rates)",
                  "month_from": "From (YYYY-MM)", "month_to": "To (YYYY-MM)",
                  "filter_area": "Figures for one area only (ONS code)", "extent_area": "Fit the map to (ONS code)",
                  "west": "West (longitude)", "south": "South (latitude)", "east": "East (longitude)",
                  "north": "North (latitude)"}
        help_texts = {"body": "Markdown: *emphasis*, **strong**, [links](https://…), lists and # headings. "
                              "HTML is removed.",
                      "west": "Or give a box in degrees (all four sides), which wins over the area."}
        widgets = {"body": forms.Textarea(attrs={"rows": 10}), "layer": forms.RadioSelect,
                   "level": forms.RadioSelect, "source": forms.RadioSelect}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["crime_type"].choices = _type_choices()
        if self.instance.pk:
            self.initial["highlight_codes"] = " ".join(self.instance.highlight_codes)
            self.initial["routes"] = list(self.instance.routes.all())

    def clean_highlight_codes(self) -> list[str]:
        codes = [c for c in re.split(r"[\s,;]+", self.cleaned_data["highlight_codes"].upper()) if c]
        wrong = [c for c in codes if not CODE.match(c)]
        if wrong:
            raise forms.ValidationError(f"Not ONS codes: {', '.join(wrong)}.")
        return list(dict.fromkeys(codes))

    def clean_filter_area(self) -> str:
        return self.cleaned_data["filter_area"].strip().upper()

    def clean_extent_area(self) -> str:
        return self.cleaned_data["extent_area"].strip().upper()

    def clean(self) -> dict:
        data = super().clean()
        from insights.ingest.ed import ASSAULT_METHODS

        kind = data.get("crime_type")
        if kind and (data.get("source") == "ed") != (kind in ASSAULT_METHODS):
            self.add_error("crime_type", "Choose a crime type for police figures, or a means of assault for "
                                         "emergency department figures.")
        return data
