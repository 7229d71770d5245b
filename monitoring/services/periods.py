"""Return periods: which periods a project reports on, and when each return is due.

Periods follow the UK public-sector financial year (1 April to 31 March), which is how partnerships are
funded and how the annual report counts: quarterly returns cover April–June, July–September,
October–December and January–March; half-yearly and yearly ones split the same year.
"""

from datetime import date, timedelta

#: A return is due this many days after its period ends (the common grant-agreement term).
RETURN_DUE_DAYS = 30


def financial_year_of(day: date) -> int:
    """The financial year ``day`` falls in, named by the calendar year it starts in (2023 = 2023/24)."""
    return day.year if day.month >= 4 else day.year - 1


def financial_year_label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def financial_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 4, 1), date(year + 1, 3, 31)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_containing(day: date, months: int) -> tuple[date, date]:
    """The reporting period of length ``months`` (1, 3, 6 or 12) that contains ``day``."""
    if months not in (1, 3, 6, 12):
        raise ValueError("a return period is 1, 3, 6 or 12 months")
    year_start = date(financial_year_of(day), 4, 1)
    elapsed = (day.year * 12 + day.month) - (year_start.year * 12 + year_start.month)
    start = _add_months(year_start, (elapsed // months) * months)
    return start, _add_months(start, months) - timedelta(days=1)


def return_periods(first_day: date, last_day: date, months: int) -> list[tuple[date, date]]:
    """Every period from the one containing ``first_day`` to the one containing ``last_day``."""
    periods = []
    start, end = period_containing(first_day, months)
    while start <= last_day:
        periods.append((start, end))
        start = end + timedelta(days=1)
        end = _add_months(start, months) - timedelta(days=1)
    return periods


def due_date(period_end: date) -> date:
    return period_end + timedelta(days=RETURN_DUE_DAYS)


def project_periods(project: object, today: date) -> list[tuple[date, date]]:
    """The periods a project reports on up to today: from its start (or award) to its end (or today)."""
    first = project.planned_start or project.award_date
    last = min(project.planned_end or today, today)
    if last < first:
        return []
    return return_periods(first, last, project.return_period_months)
