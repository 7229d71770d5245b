"""Template filters for figures: tell a number from a value that cannot be given (``core.figures.Missing``)."""

from decimal import Decimal

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

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
    if isinstance(value, bool) or not is_number(value):
        return str(value)
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        decimals = len(repr(float(value)).split(".")[1].rstrip("0")) if "e" not in repr(float(value)) else 2
        text = f"{value:,.{min(decimals, 4)}f}"
    if unit in ("£", "GBP", "pounds"):
        return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"
    return text


@register.simple_tag
def display_rows(table: object) -> list[list[tuple[str, bool]]]:
    """The rows a page shows of ``table`` (``core.figures.Table``): each cell's text and whether it is a number
    (right-aligned)."""
    columns = table.columns
    return [[(format_cell(row.get(c.key), c.unit), is_number(row.get(c.key))) for c in columns]
            for row in table.rows[:getattr(table, "html_limit", HTML_ROWS)]]


@register.simple_tag
def table_rows(table: object) -> SafeString:
    """``display_rows`` as the table's ``<tr>`` elements (GOV.UK classes, numbers right-aligned, every value
    escaped). Built here rather than by two nested template loops: the overview shows about 800 cells, and the
    template language spends several milliseconds a page on them."""
    return format_html_join("", '<tr class="govuk-table__row">{}</tr>', (
        (format_html_join("", '<td class="govuk-table__cell{}">{}</td>',
                          ((" govuk-table__cell--numeric" if number else "", text) for text, number in row)),)
        for row in display_rows(table)))


@register.filter
def mid_sentence(title: str) -> str:
    """A title as it reads inside a sentence ("Download by local authority (CSV)"): only its first letter
    lower-cased, and not even that when it starts a name ("Home Office …") or an abbreviation ("ED …"); the
    rest keeps its capitals ("(ISTV)"), which ``|lower`` would lose."""
    words = str(title).split()
    if not words or words[0].isupper() or (len(words) > 1 and words[1][:1].isupper()):
        return str(title)
    return title[:1].lower() + title[1:]
