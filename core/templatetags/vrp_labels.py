"""Template filters that put machine names in people's words: a source's label, a month's name."""

from django import template

from core import sources

register = template.Library()

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@register.filter
def source_label(name: str) -> str:
    """"police" → "Police recorded crime (police.uk)" as the source registry names it; the name if unknown."""
    found = sources.get(name)
    return found.label if found is not None else name


@register.filter
def month_name(month: str | None) -> str:
    """"2024-03" → "March 2024"; anything else unchanged."""
    text = str(month or "")
    if len(text) == 7 and text[4] == "-" and text[5:].isdecimal() and 1 <= int(text[5:]) <= 12:
        return f"{MONTHS[int(text[5:]) - 1]} {text[:4]}"
    return text
