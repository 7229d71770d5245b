"""The quarterly return a VRU sends the Home Office: reach by age band, interventions by type, success measures.

A quarter is named ``2025Q3``: the third quarter of the **financial** year 2025/26 (October to December 2025),
as the Home Office's VRU grant returns count quarters (Q1 April–June … Q4 January–March).

Every figure comes from the platform's query layer, in full (the return goes to the Home Office, not the public):

* **reach by age band**: new participants in accepted provider returns whose period starts in the quarter
  (``monitoring``'s counting rules), by age band and in all; professionals trained in those returns;
* **training register**: distinct professionals at the partnership's own sessions in the quarter
  (``engagement``);
* **interventions by type**: projects with an accepted return in the quarter, and the sessions they
  delivered, by theme;
* **success measures**: ``partners.services.success`` for the financial year the quarter is in.

Rows are long (``section, measure, category, value, source``) so the CSV and the XLSX hold the same cells.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.figures import known
from core.periods import Year

COLUMNS = ("section", "measure", "category", "value", "source")


@dataclass(frozen=True)
class Quarter:
    year: int  # the financial year's first calendar year
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """``2025Q3`` or, naming the financial year as the indicators' periods do, ``2025/26 Q3``."""
        match = re.fullmatch(r"(\d{4})(?:/(\d{2}))? ?[Qq]([1-4])", text.strip())
        if not match or (match[2] is not None and int(match[2]) != (int(match[1]) + 1) % 100):
            raise ValueError(f"{text!r} is not a quarter such as 2025Q3 or 2025/26 Q3 (Q1 is April to June)")
        return cls(int(match[1]), int(match[3]))

    @property
    def first_day(self) -> date:
        month = 4 + 3 * (self.number - 1)
        return date(self.year + (month - 1) // 12, (month - 1) % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        following = Quarter(self.year + (self.number == 4), self.number % 4 + 1).first_day
        return date.fromordinal(following.toordinal() - 1)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number} ({self.first_day:%B %Y} to {self.last_day:%B %Y})"

    @property
    def financial_year(self) -> Year:
        return Year(self.year, financial=True)


def quarterly_return(quarter: Quarter) -> list[dict]:
    """The quarter's figures as rows of ``COLUMNS``."""
    from django.db.models import Count, Sum

    from engagement.models import ProfessionalAttendance
    from monitoring.models import YOUNG_PEOPLE_BANDS, AgeBand, MonitoringReturn, Participation, ReachCount
    from partners.services.success import success_measures

    returns = MonitoringReturn.objects.filter(status=MonitoringReturn.Status.ACCEPTED,
                                              period_start__gte=quarter.first_day,
                                              period_start__lte=quarter.last_day)
    rows: list[dict] = []
    source = "accepted provider returns (new participants)"
    young = {b.value for b in YOUNG_PEOPLE_BANDS}
    reach = ReachCount.objects.filter(monitoring_return__in=returns, participation=Participation.NEW)
    by_band = dict(reach.values("age_band").annotate(n=Sum("count")).values_list("age_band", "n"))
    for band in AgeBand.values:
        n = by_band.get(band, 0)
        rows.append({"section": "reach", "measure": "people reached", "category": AgeBand(band).label,
                     "value": int(n or 0), "source": source})
    rows.append({"section": "reach", "measure": "young people aged 24 and under reached", "category": "all",
                 "value": sum(int(n or 0) for b, n in by_band.items() if b in young), "source": source})
    rows.append({"section": "reach", "measure": "people over 24 reached", "category": "all",
                 "value": sum(int(n or 0) for b, n in by_band.items() if b not in young), "source": source})
    rows.append({"section": "reach", "measure": "professionals trained (provider returns)", "category": "all",
                 "value": int(returns.aggregate(n=Sum("professionals_trained"))["n"] or 0), "source": source})
    trained = (ProfessionalAttendance.objects.filter(session__date__gte=quarter.first_day,
                                                     session__date__lte=quarter.last_day)
               .values("person_key").distinct().count())
    rows.append({"section": "reach", "measure": "professionals trained (training register)", "category": "all",
                 "value": trained, "source": "training register: distinct professionals at sessions"})
    by_theme = (returns.values("project__theme").annotate(projects=Count("project", distinct=True),
                                                          sessions=Sum("sessions_delivered"))
                .order_by("project__theme"))
    from commissioning.models import Project

    labels = dict(Project._meta.get_field("theme").choices)
    for row in by_theme:
        theme = str(labels.get(row["project__theme"], row["project__theme"]))
        rows.append({"section": "interventions", "measure": "projects with an accepted return", "category": theme,
                     "value": row["projects"], "source": "accepted provider returns"})
        rows.append({"section": "interventions", "measure": "sessions delivered", "category": theme,
                     "value": int(row["sessions"] or 0), "source": "accepted provider returns"})
    for measure in success_measures(quarter.financial_year):
        for key in ("count", "under_25_count", "change_since_baseline_percent"):
            value = measure.get(key)
            if key != "count" and value is None:
                continue
            rows.append({"section": "success measures", "measure": measure["measure"],
                         "category": {"count": f"{measure['period']}",
                                      "under_25_count": f"aged under 25, {measure['period']}",
                                      "change_since_baseline_percent":
                                          f"% change since {measure['baseline_period']}"}[key],
                         "value": value if known(value) else str(value) if value is not None else "",
                         "source": measure["source"]})
    return rows


def write_return(quarter: Quarter, out: Path) -> list[Path]:
    """Write the return as ``vrp-return-<quarter>.csv`` and ``.xlsx`` in ``out``; the paths written."""
    from openpyxl import Workbook

    from core.render import csv_cell, xlsx_row

    rows = quarterly_return(quarter)
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"vrp-return-{quarter.year}Q{quarter.number}"
    with open(stem.with_suffix(".csv"), "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows([csv_cell(row[c]) for c in COLUMNS] for row in rows)
    # Text that looks like a formula is stored as text (the cell's type), not prefixed: the figure reads as sent.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(f"{quarter.year}Q{quarter.number}")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append(xlsx_row(sheet, [row[c] for c in COLUMNS]))
    book.save(stem.with_suffix(".xlsx"))
    return [stem.with_suffix(".csv"), stem.with_suffix(".xlsx")]
