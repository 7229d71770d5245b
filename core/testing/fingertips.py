"""Partner files built in the tests, in their publishers' own layouts (never copied from elsewhere)."""

import csv
from pathlib import Path

#: The columns of a Fingertips data export, in Fingertips' order (PholioVisualisation's CSV writer).
FINGERTIPS_COLUMNS = [
    "Indicator ID", "Indicator Name", "Parent Code", "Parent Name", "Area Code", "Area Name", "Area Type", "Sex",
    "Age", "Category Type", "Category", "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit",
    "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Count", "Denominator", "Value note", "Recent Trend",
    "Compared to England value or percentiles", "Compared to percentiles", "Time period Sortable", "New data",
    "Compared to goal", "Time period range"]
VIOLENCE = "Hospital admissions for violence (including sexual violence)"
#: West Midlands metropolitan districts (real codes) and made-up counts and populations.
LAS = {"E08000025": ("Birmingham", 1144900), "E08000026": ("Coventry", 345300), "E08000027": ("Dudley", 323500),
       "E08000028": ("Sandwell", 341800), "E08000029": ("Solihull", 216200), "E08000030": ("Walsall", 284100),
       "E08000031": ("Wolverhampton", 263700)}


def fingertips_row(code: str, period: str, count: int, **changes) -> dict:
    name, population = LAS.get(code, ("England", 56_000_000))
    rate = count / population * 100_000
    row = {"Indicator ID": "11201", "Indicator Name": VIOLENCE, "Parent Code": "E12000005",
           "Parent Name": "West Midlands region", "Area Code": code, "Area Name": name,
           "Area Type": "Counties & UAs (from Apr 2023)", "Sex": "Persons", "Age": "All ages", "Category Type": "",
           "Category": "", "Time period": period, "Value": f"{rate:.6f}", "Lower CI 95.0 limit": f"{rate * 0.9:.6f}",
           "Upper CI 95.0 limit": f"{rate * 1.1:.6f}", "Lower CI 99.8 limit": f"{rate * 0.85:.6f}",
           "Upper CI 99.8 limit": f"{rate * 1.15:.6f}", "Count": str(count), "Denominator": str(population * 3),
           "Value note": "", "Recent Trend": "Cannot be calculated", "Compared to England value or percentiles":
           "Worse", "Compared to percentiles": "Not compared", "Time period Sortable": period[:4] + "0000",
           "New data": "", "Compared to goal": "Not compared", "Time period range": "3y"}
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict], columns: list[str]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def fingertips_export(path: Path, periods: list[str], under_25: bool = False) -> Path:
    rows = []
    for i, period in enumerate(periods):
        for j, code in enumerate(LAS):
            rows.append(fingertips_row(code, period, 300 + 40 * j - 20 * i))
            if under_25:
                rows.append(fingertips_row(code, period, 100 + 10 * j - 5 * i, Age="<25 yrs"))
    rows.append(fingertips_row("E92000001", periods[-1], 120000))
    return write_csv(path, rows, FINGERTIPS_COLUMNS)


TIDY_COLUMNS = ["measure", "area_code", "period", "age_band", "sex", "count", "denominator", "value", "source",
                "unit", "measure_name"]


def tidy_row(measure: str, code: str, period: str, count: int, **changes) -> dict:
    row = {"measure": measure, "area_code": code, "period": period, "age_band": "All ages", "sex": "Persons",
           "count": str(count), "denominator": "", "value": "", "source": "NHS Digital HES (test)",
           "unit": "admissions", "measure_name": "Admissions for assault by a sharp object"}
    row.update(changes)
    return row
