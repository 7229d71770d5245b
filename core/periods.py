"""Periods figures are published for: months, calendar years (January–December) and financial years (April–March).

Months are written ``YYYY-MM``; a calendar year by its number (``2024``); a financial year by its first and
second years (``2024/25``, April 2024 to March 2025).
"""

from collections.abc import Iterable
from dataclasses import dataclass


def month_index(month: str) -> int:
    """``"2024-03"`` → a running month number (consecutive months differ by 1)."""
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def month_of(index: int) -> str:
    return f"{index // 12}-{index % 12 + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive."""
    return [month_of(i) for i in range(month_index(first), month_index(last) + 1)]


def shift(month: str, months: int) -> str:
    return month_of(month_index(month) + months)


@dataclass(frozen=True)
class Year:
    """A calendar year or a financial year (named by the year it starts)."""

    year: int
    financial: bool = False

    @property
    def first_month(self) -> str:
        return f"{self.year}-04" if self.financial else f"{self.year}-01"

    @property
    def last_month(self) -> str:
        return f"{self.year + 1}-03" if self.financial else f"{self.year}-12"

    @property
    def months(self) -> list[str]:
        return months_between(self.first_month, self.last_month)

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}" if self.financial else str(self.year)

    @property
    def previous(self) -> "Year":
        return Year(self.year - 1, self.financial)

    @classmethod
    def of_months(cls, first: str | None, last: str | None) -> "Year | None":
        """The calendar or financial year that is exactly ``first``..``last``, else None."""
        if not first or not last:
            return None
        year = int(first[:4])
        for candidate in (cls(year), cls(year, financial=True)):
            if (candidate.first_month, candidate.last_month) == (first, last):
                return candidate
        return None

    @classmethod
    def parse(cls, label: str) -> "Year | None":
        """``"2024"`` or ``"2024/25"`` → the year; anything else → None."""
        if label.isdecimal() and len(label) == 4:
            return cls(int(label))
        if len(label) == 7 and label[4] == "/" and label[:4].isdecimal() and label[5:].isdecimal():
            year = cls(int(label[:4]), financial=True)
            return year if year.label == label else None
        return None


def whole_years(months: Iterable[str]) -> list[Year]:
    """The calendar and financial years whose every month is among ``months``, oldest first."""
    held = set(months)
    years = sorted({int(m[:4]) for m in held} | {int(m[:4]) - 1 for m in held})
    found = [Year(y, financial) for y in years for financial in (False, True)
             if set(Year(y, financial).months) <= held]
    return sorted(found, key=lambda y: (y.first_month, y.financial))
