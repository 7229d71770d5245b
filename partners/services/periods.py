"""The periods partners' published tables use, parsed into first and last month.

Fingertips and the tidy CSV write periods in several ways; each is read into a ``Period`` with its kind, its
first and last month (``YYYY-MM``) and a canonical label:

* a month: ``2024-03``, ``Mar 2024``, ``March 2024``;
* a quarter: ``2024Q3`` / ``2024 Q3`` (calendar quarter: Q3 is July–September), ``2024/25 Q2`` (financial
  quarter: Q2 of 2024/25 is July–September 2024);
* a calendar year: ``2024``; a financial year: ``2024/25`` or ``2024-25``;
* an academic year (September to August: school suspensions and exclusions): ``2023/24 academic year``
  (a bare ``2023/24`` is a financial year);
* a rolling or multi-year period: ``2019 - 21`` or ``2019-2021`` (calendar years 2019 to 2021),
  ``2018/19 - 20/21`` (financial years 2018/19 to 2020/21), as Fingertips writes its pooled periods.

Anything else is refused (``PeriodError``) with the forms accepted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.periods import Year

MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
ACCEPTED = ("a month (2024-03, March 2024), a quarter (2024Q3, 2024/25 Q2), a calendar year (2024), a financial "
            "year (2024/25), an academic year (2024/25 academic year) or a rolling period (2019 - 21, "
            "2018/19 - 20/21)")


class PeriodError(ValueError):
    """A period label that is none of the accepted forms."""


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, calendar year, financial year, academic year, rolling
    label: str
    first_month: str
    last_month: str

    @property
    def year(self) -> Year | None:
        """The calendar or financial year this period is exactly, else None."""
        return Year.of_months(self.first_month, self.last_month)

    @property
    def months(self) -> int:
        return (int(self.last_month[:4]) * 12 + int(self.last_month[5:])) - (
            int(self.first_month[:4]) * 12 + int(self.first_month[5:])) + 1


def _month(year: int, month: int) -> str:
    year += (month - 1) // 12
    return f"{year}-{(month - 1) % 12 + 1:02d}"


def _full_year(short: str, after: int) -> int:
    """``"21"`` after 2019 → 2021 (the century of ``after``, rolling on where needed)."""
    if len(short) == 4:
        return int(short)
    year = after // 100 * 100 + int(short)
    return year + 100 if year < after else year


def parse_period(text: str) -> Period:
    """Parse a period label (see the module docstring); PeriodError when it is none of the forms."""
    raw = " ".join(str(text or "").split())
    s = raw.lower()
    if m := re.fullmatch(r"(\d{4})-(\d{2})", s):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            label = f"{year}-{month:02d}"
            return Period("month", label, label, label)
    if m := re.fullmatch(r"([a-z]{3})[a-z]* (\d{4})", s):
        if m[1] in MONTHS:
            label = f"{m[2]}-{MONTHS.index(m[1]) + 1:02d}"
            return Period("month", label, label, label)
    if m := re.fullmatch(r"(\d{4}) ?q([1-4])", s):
        year, quarter = int(m[1]), int(m[2])
        return Period("quarter", f"{year}Q{quarter}", _month(year, 3 * quarter - 2), _month(year, 3 * quarter))
    if m := re.fullmatch(r"(\d{4})/(\d{2}) ?q([1-4])", s):
        year, quarter = int(m[1]), int(m[3])
        if _full_year(m[2], year) == year + 1:
            first = _month(year, 4 + 3 * (quarter - 1))
            return Period("quarter", f"{year}/{m[2]} Q{quarter}", first, _month(year, 6 + 3 * (quarter - 1)))
    if m := re.fullmatch(r"(\d{4})", s):
        year = Year(int(m[1]))
        return Period("calendar year", year.label, year.first_month, year.last_month)
    if m := re.fullmatch(r"(\d{4})[/-](\d{2})", s):
        start = int(m[1])
        if _full_year(m[2], start) == start + 1:
            year = Year(start, financial=True)
            return Period("financial year", year.label, year.first_month, year.last_month)
    if m := re.fullmatch(r"(\d{4})[/-](\d{2}) academic year", s):
        start = int(m[1])
        if _full_year(m[2], start) == start + 1:
            return Period("academic year", f"{start}/{m[2]} academic year", f"{start}-09", f"{start + 1}-08")
    if m := re.fullmatch(r"(\d{4}) ?- ?(\d{2}|\d{4})", s):
        start, end = int(m[1]), _full_year(m[2], int(m[1]))
        if start < end <= start + 10:
            return Period("rolling", f"{start} - {str(end)[2:]}", f"{start}-01", f"{end}-12")
    if m := re.fullmatch(r"(\d{4})/(\d{2}) ?- ?(\d{2}|\d{4})/(\d{2})", s):
        start, end = int(m[1]), _full_year(m[3], int(m[1]))
        if start < end <= start + 10 and _full_year(m[2], start) == start + 1 and _full_year(m[4], end) == end + 1:
            return Period("rolling", f"{start}/{m[2]} - {str(end)[2:]}/{m[4]}", f"{start}-04", f"{end + 1}-03")
    raise PeriodError(f"period {raw!r} is not {ACCEPTED}")
