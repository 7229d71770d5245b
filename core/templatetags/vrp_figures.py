"""Template filters for figures: tell a number from a value that cannot be given (``core.figures.Missing``)."""

from decimal import Decimal
from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from core.figures import HTML_ROWS, known

register = template.Library()


@register.filter
def is_number(value: object) -> bool:
    """True for a count, rate or amount; False for None and for a withheld or undefined value."""
    # Money comes from the database as Decimal ("170000.00"): an amount like any other.
    return known(value) and isinstance(value, int | float | Decimal)


def format_cell(value: object, unit: str = "") -> str:
    """A table cell as people read it: thousands separators, "£" before money, a missing value as its reason.

    Integers keep every digit ("12,345"); other numbers keep the decimals the figure computed ("1,234.5").
    The unit stays in the column heading, except money, whose "£" is written before the amount.
    """
    if value is None:
        return ""
    if type(value) is int:
        text = f"{value:,}"
    elif isinstance(value, bool) or not is_number(value):
        return str(value)
    elif isinstance(value, int):
        text = f"{value:,}"
    else:
        shortest = repr(float(value))
        decimals = len(shortest.split(".")[1].rstrip("0")) if "e" not in shortest else 2
        text = f"{value:,.{min(decimals, 4)}f}"
    if unit in ("£", "GBP", "pounds"):
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text


@register.simple_tag
def display_rows(table: object) -> list[list[tuple[str, bool]]]:
    """The rows a page shows of ``table`` (``core.figures.Table``): each cell's text and whether it is a number
    (right-aligned)."""
    units = [(c.key, c.unit) for c in table.columns]
    shown = []
    for row in table.rows[:getattr(table, "html_limit", HTML_ROWS)]:
        cells = []
        for key, unit in units:
            value = row.get(key)
            # is_number inlined (a page shows about 800 cells): a Missing or None is no int, float or Decimal.
            cells.append((format_cell(value, unit), isinstance(value, int | float | Decimal)))
        shown.append(cells)
    return shown


_CELL = '<td class="govuk-table__cell">'
_NUMBER_CELL = '<td class="govuk-table__cell govuk-table__cell--numeric">'


@register.simple_tag
def table_rows(table: object) -> SafeString:
    """``display_rows`` as the table's ``<tr>`` elements (GOV.UK classes, numbers right-aligned, every value
    escaped). Built here as one string rather than by template loops or ``format_html``: the overview shows
    up to 800 cells, and either spends several milliseconds a page on them (``bench/overview_render.py``).
    ``html.escape`` escapes the same five characters as Django's ``escape``; every value is escaped, a
    ``SafeString`` too, since no cell of a figure is markup."""
    parts = []
    for row in display_rows(table):
        parts.append('<tr class="govuk-table__row">')
        for text, number in row:
            parts += (_NUMBER_CELL if number else _CELL, escape(text), "</td>")
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value above went through html.escape


@register.filter
def mid_sentence(title: str) -> str:
    """A title as it reads inside a sentence ("Download by local authority (CSV)"): only its first letter
    lower-cased, and not even that when it starts a name ("Home Office …") or an abbreviation ("ED …"); the
    rest keeps its capitals ("(ISTV)"), which ``|lower`` would lose."""
    words = str(title).split()
    if not words or words[0].isupper() or (len(words) > 1 and words[1][:1].isupper()):
        return str(title)
    return title[:1].lower() + title[1:]
