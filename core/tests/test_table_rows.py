"""The figure tables' rows, built as one string (``vrp_figures.table_rows``), are what Django's own escaping
would build: every value escaped, numbers right-aligned, a missing value as its reason, money with "£"."""

from decimal import Decimal

from django.utils.html import format_html_join

from core.figures import WITHHELD, Column, Table, no_data
from core.templatetags.vrp_figures import display_rows, table_rows


def escaped_by_django(table: Table) -> str:
    """The rows as the template built them before (``format_html``: Django's escaping of every value)."""
    return format_html_join("", '<tr class="govuk-table__row">{}</tr>', (
        (format_html_join("", '<td class="govuk-table__cell{}">{}</td>',
                          ((" govuk-table__cell--numeric" if number else "", text) for text, number in row)),)
        for row in display_rows(table)))


def test_rows_are_escaped_and_aligned_as_django_would() -> None:
    hostile = '<script>alert("x")</script> & \'quoted\''
    table = Table("t", "T", [Column("name", "Name"), Column("count", "Count", "count"),
                             Column("amount", "Amount", "£"), Column("rate", "Rate")], [
        {"name": hostile, "count": 12345, "amount": Decimal("170000.00"), "rate": 1.25},
        {"name": "Records with no location", "count": WITHHELD, "amount": Decimal("-5.5"), "rate": None},
        {"name": "<b>", "count": no_data("2024-01"), "amount": 0, "rate": True}])
    built = table_rows(table)
    assert built == escaped_by_django(table)
    assert "<script>" not in built and "&lt;script&gt;" in built and "&#x27;quoted&#x27;" in built
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">12,345</td>' in built
    assert "£170,000" in built and "-£5.5" in built and ">withheld<" in built and ">no data for 2024-01<" in built
