"""The Strategic Needs Assessment, generated from the data: sections of figures, maps, tables and sentences.

``build_sna`` returns plain data (sections, each with its sentences and figures); ``write_report`` renders it
to a self-contained HTML file, a PDF of the same content (WeasyPrint), and a ``data/`` folder with one CSV per
figure, which the HTML links to and the PDF cites. The public edition applies the disclosure rule to every
figure (the insights query layer's ``public.publish``, or ``core.disclosure`` for tables built here) and
never shows ED data below local authority; the partner edition is unsuppressed.
"""

import csv
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from core.disclosure import THRESHOLD, is_primary, suppress_table
from core.region import current_region
from insights import charts
from insights.services.areas import area_names
from insights.services.catalogue import figure_rows
from insights.services.figures import FigureQuery, counts
from insights.services.hotspots import lsoas_in
from insights.services.manifest import warehouse_summary
from insights.services.public import NotPublic
from reports.services.narrative import change_sentence, number
from reports.services.svgmap import choropleth_svg

Progress = Callable[[int, str], None]
#: How each headline measure is named at the start of a sentence.
SENTENCE_LABELS = {"violence": "Police-recorded violence and sexual offences",
                   "weapons": "Police-recorded possession of weapons offences", "robbery": "Police-recorded robbery",
                   "ed_assaults": "Emergency department assault attendances",
                   "ed_knife": "ED assault attendances with a knife or sharp object",
                   "ed_under_25": "ED assault attendances of people aged under 25"}


@dataclass
class Figure:
    """One figure of the report: its table (rows and columns), an optional chart or map, its CSV name."""

    name: str
    title: str
    columns: list[str]
    rows: list[dict]
    chart: str = ""
    note: str = ""

    @property
    def csv_name(self) -> str:
        return f"data/{self.name}.csv"


@dataclass
class Section:
    number: int
    title: str
    sentences: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)


@dataclass
class ReportPeriod:
    """A calendar year (January–December) or a financial year (April–March), named by its first year."""

    year: int
    financial: bool = False

    @property
    def month_from(self) -> str:
        return f"{self.year}-04" if self.financial else f"{self.year}-01"

    @property
    def month_to(self) -> str:
        return f"{self.year + 1}-03" if self.financial else f"{self.year}-12"

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}" if self.financial else str(self.year)

    @property
    def previous_label(self) -> str:
        return ReportPeriod(self.year - 1, self.financial).label


def _figure(name: str, title: str, rows: list[dict], chart: str = "", note: str = "") -> Figure:
    return Figure(name, title, list(rows[0]) if rows else [], rows, chart, note)


def _catalogue(name: str, title: str, query: FigureQuery, unsuppressed: bool) -> Figure:
    try:
        rows = figure_rows(name, query, unsuppressed)
    except NotPublic as exc:
        return _figure(name, title, [], note=str(exc))
    return _figure(name, title, rows, charts.figure_chart(name, rows))


def build_sna(period: ReportPeriod, area: str | None = None, edition: str = "public",
              progress: Progress | None = None) -> dict:
    """Every section of the SNA for the period and area (the region when None), as plain data."""
    if edition not in ("public", "partner"):
        raise ValueError("the edition is public or partner")
    step = progress or (lambda percent, message: None)
    open_data = edition == "partner"
    region = current_region()
    base = FigureQuery("police", period.month_from, period.month_to, area,
                       lad_codes=() if area else tuple(region.lad_codes))
    violence = replace(base, types=("Violence and sexual offences",))
    ed = replace(base, source="ed")
    place = area_names([area]).get(area, area) if area else region.name
    sections: list[Section] = []

    step(5, "Key figures")
    headline = figure_rows("headline", base, open_data)
    by_key = {r["measure"]: r for r in headline}
    key = Section(1, "Key findings")
    for measure, label in SENTENCE_LABELS.items():
        row = by_key.get(measure)
        if row and (row["count"] or row["previous_year_count"]):
            key.sentences.append(change_sentence(label, row["count"], row["previous_year_count"],
                                                 period.label, period.previous_label))
    key.figures.append(_figure("headline", "Headline figures", headline))

    step(15, "The region")
    sections.append(key)
    sections.append(_region_section(base, place, open_data))

    step(30, "Violence over time")
    over_time = Section(3, "Violence over time")
    trend = _catalogue("trend", "Violence and sexual offences by month", violence, open_data)
    seasonality = _catalogue("seasonality", "Violence and sexual offences by calendar month", violence, open_data)
    over_time.figures += [trend, seasonality]
    peak = max((r for r in seasonality.rows if r.get("average") is not None), key=lambda r: r["average"],
               default=None)
    if peak:
        over_time.sentences.append(f"Violence and sexual offences peaked in {peak['name']}, with an average of "
                                   f"{number(peak['average'])} a month.")
    ed_trend = _catalogue("trend", "ED assault attendances by month", ed, open_data)
    ed_trend.name = "ed_trend"  # the same figure as the police trend, saved under its own CSV name
    over_time.figures.append(ed_trend)
    day_hour = _catalogue("day_and_hour", "ED assault attendances by day of week and hour", ed, open_data)
    if day_hour.rows:
        busiest = max((r for r in day_hour.rows if r.get("count") is not None), key=lambda r: r["count"], default=None)
        if busiest:
            over_time.sentences.append(f"ED assault attendances were most frequent on {busiest['day']}s at "
                                       f"{busiest['hour']:02d}:00.")
    over_time.figures.append(day_hour)
    sections.append(over_time)

    step(45, "Places most affected")
    sections.append(_places_section(violence, area, open_data))

    step(65, "People most affected")
    sections.append(_people_section(ed, open_data))

    step(75, "Success measures")
    sections.append(_success_section(base, by_key, period))

    step(85, "What the partnership funds")
    sections.append(_funding_section(violence, area, open_data))

    step(92, "Sources and definitions")
    sections.append(_sources_section(edition))
    return {"title": f"Strategic Needs Assessment {period.label}: {place}", "place": place, "period": period,
            "edition": edition, "sections": sections, "generated_at": timezone.now(),
            "is_synthetic": region.is_synthetic}


def _region_section(query: FigureQuery, place: str, open_data: bool) -> Section:
    section = Section(2, "The region: population, age and deprivation")
    rows = figure_rows("local_authorities", query, True)
    population = sum(r["population"] or 0 for r in rows)
    young = counts(replace(query, types=()), ["lad"])
    young_rate = {r["lad"]: r for r in young}
    table = [{"lad": r["lad"], "name": r["name"], "population": r["population"],
              "rate_per_1000": r["rate_per_1000"],
              "rate_per_1000_aged_24_and_under": young_rate.get(r["lad"], {}).get("rate_per_1000_aged_24_and_under")}
             for r in rows]
    section.sentences.append(f"{place} has {number(population)} residents in {len(rows)} local "
                             f"authorit{'y' if len(rows) == 1 else 'ies'} (population estimates as loaded).")
    from geography.models import PopulationRecord

    young_total = sum(p or 0 for p in PopulationRecord.objects.filter(area_code__in=lsoas_in(query.area))
                      .values_list("aged_24_and_under", flat=True))
    if population and young_total:
        section.sentences.append(f"{young_total / population * 100:.1f}% of residents are aged 24 and under.")
    from insights.services.overview import _imd_deciles

    universe = lsoas_in(query.area) if query.area else lsoas_in(None)
    deciles = _imd_deciles(universe)
    most = sum(1 for d in deciles.values() if d == 1)
    if deciles:
        section.sentences.append(f"{most} of its {len(universe)} LSOAs ({most / len(universe) * 100:.1f}%) are "
                                 "among the 10% most deprived in England (IMD decile 1).")
    decile_rows = [{"imd_decile": d, "lsoas": sum(1 for v in deciles.values() if v == d)} for d in range(1, 11)]
    section.figures.append(_figure("population", "Population and rates by local authority", table))
    section.figures.append(_figure("deprivation", "LSOAs by IMD decile (1 = most deprived)", decile_rows,
                                   charts.bar_chart([str(r["imd_decile"]) for r in decile_rows],
                                                    [r["lsoas"] for r in decile_rows], "LSOAs by IMD decile",
                                                    "Number of LSOAs in each national deprivation decile.")))
    return section


def _places_section(violence: FigureQuery, area: str | None, open_data: bool) -> Section:
    section = Section(4, "Places most affected")
    lads = _catalogue("local_authorities", "Violence and sexual offences by local authority", violence, open_data)
    rated = [r for r in lads.rows if r.get("rate_per_1000") is not None]
    if rated:
        top = max(rated, key=lambda r: r["rate_per_1000"])
        section.sentences.append(f"{top['name'] or top['lad']} had the highest rate of violence and sexual offences, "
                                 f"{number(top['rate_per_1000'])} per 1,000 residents.")
    lads.chart = choropleth_svg({r["lad"]: r.get("rate_per_1000") for r in lads.rows if r.get("lad")},
                                "Violence and sexual offences per 1,000 residents by local authority",
                                "Choropleth map; the same rates are in the table.", "per 1,000")
    section.figures.append(lads)
    lsoa_rows = counts(violence, ["lsoa"])
    lsoa_rates = {r["lsoa"]: (None if not open_data and is_primary(r["count"]) else r.get("rate_per_1000"))
                  for r in lsoa_rows if r["lsoa"]}
    lsoa_map = choropleth_svg(lsoa_rates, "Violence and sexual offences per 1,000 residents by LSOA",
                              f"LSOA rates; counts from 1 to {THRESHOLD} withheld in the public edition.",
                              "per 1,000")
    section.figures.append(_figure("lsoa_rates", "Violence and sexual offences per 1,000 residents by LSOA",
                                   [{"lsoa": k, "rate_per_1000": v} for k, v in sorted(lsoa_rates.items())],
                                   lsoa_map))
    concentration = _catalogue("concentration", "Concentration of violence in the most affected LSOAs", violence,
                               open_data)
    ten = next((r for r in concentration.rows if r.get("top_percent_of_lsoas") == 10), None)
    if ten and ten.get("share_percent") is not None:
        section.sentences.append(f"The 10% of LSOAs with the most violence and sexual offences had "
                                 f"{ten['share_percent']}% of them.")
    section.figures.append(concentration)
    section.figures.append(_catalogue("places", "The LSOAs with the most violence and sexual offences", violence,
                                      open_data))
    from insights.services.hotspots import gistar_hotspots, public_hotspots

    try:
        spots = gistar_hotspots(violence)
    except Exception as exc:  # noqa: BLE001 - a region without boundaries still gets its report, with the reason
        section.figures.append(_figure("hotspots", "Hot spots (Getis-Ord Gi*)", [], note=str(exc)))
    else:
        shown = spots if open_data else public_hotspots(spots, violence)
        hot = [r for r in shown if r["class"] == "hot spot"]
        section.sentences.append(f"{len(hot)} LSOAs were hot spots of violence and sexual offences (Getis-Ord Gi*, "
                                 "false discovery rate 5%).")
        section.figures.append(_figure("hotspots", "Hot spots of violence and sexual offences (Gi*)", hot))
    priority = _catalogue("priority", "Priority places", violence, open_data)
    section.sentences.append(f"The priority index ranks {len(priority.rows)} LSOAs for attention first "
                             "(rate, trend, deprivation and youth population).")
    section.figures.append(priority)
    return section


def _people_section(ed: FigureQuery, open_data: bool) -> Section:
    section = Section(5, "People most affected")
    if not ed.month_from:
        section.sentences.append("No emergency department data is loaded for this period.")
        return section
    rows = counts(replace(ed, area=ed.area), ["age_band", "sex"])
    cells = {(r["age_band"] or "not known", r["sex"] or "not known"): r["count"] for r in rows}
    if not cells:
        section.sentences.append("No emergency department data is loaded for this period.")
        return section
    table = {k: v for k, v in cells.items()} if open_data else suppress_table(cells).cells
    bands = sorted({k[0] for k in cells})
    sexes = sorted({k[1] for k in cells})
    grid = [{"age_band": b, **{s: table.get((b, s)) for s in sexes}} for b in bands]
    total = sum(cells.values())
    under_25 = sum(v for (b, _), v in cells.items() if b in ("0-9", "10-17", "18-24"))
    male = sum(v for (_, s), v in cells.items() if s.lower() in ("male", "m"))
    section.sentences.append(f"{number(total)} emergency department assault attendances were recorded; "
                             f"{under_25 / total * 100:.1f}% were of people aged under 25 and "
                             f"{male / total * 100:.1f}% of males.")
    section.figures.append(_figure("ed_age_sex", "ED assault attendances by age band and sex", grid,
                                   charts.bar_chart(bands, [sum(v for (b, _), v in cells.items() if b == band)
                                                            for band in bands], "ED attendances by age band",
                                                    "All ED assault attendances in each age band.")))
    return section


def _success_section(query: FigureQuery, by_key: dict, period: ReportPeriod) -> Section:
    section = Section(6, "Violence Reduction Unit success measures")
    knife = by_key.get("ed_knife")
    if knife and (knife["count"] or knife["previous_year_count"]):
        section.sentences.append("Hospital admissions for assault with a knife or sharp object are measured here by "
                                 "ED assault attendances with a knife or sharp object: " + change_sentence(
                                     "they", knife["count"], knife["previous_year_count"], period.label,
                                     period.previous_label))
    else:
        section.sentences.append("No ED data records the means of assault for this period, so knife-enabled "
                                 "hospital attendances cannot be reported.")
    section.sentences.append("Police-recorded possession of weapons and robbery are used as proxies for "
                             "knife-enabled crime, because police.uk data carries no knife flag.")
    rows = [r for r in by_key.values() if r["measure"] in ("weapons", "robbery", "ed_knife", "ed_under_25")]
    section.figures.append(_figure("success_measures", "Success measures and proxies", rows))
    return section


def _funding_section(violence: FigureQuery, area: str | None, open_data: bool) -> Section:
    from commissioning.models import Project
    from geography.models import AreaLink
    from monitoring.services.reach import published_totals

    section = Section(7, "What the partnership funds, and where")
    lads = {r["lad"]: r for r in figure_rows("local_authorities", violence, True) if r.get("lad")}
    lad_of = dict(AreaLink.objects.filter(parent_level="lad").values_list("child_code", "parent_code"))
    amount = {code: Decimal("0") for code in lads}
    projects = list(Project.objects.filter(is_published=True))
    for project in projects:
        served = {code if code in lads else lad_of.get(code) for code in project.area_codes or []} & set(lads)
        for code in served:
            # A project serving several local authorities is split equally between them.
            amount[code] += project.amount_awarded / len(served)
    rows = [{"lad": code, "name": lads[code]["name"], "amount_awarded": round(amount[code], 2),
             "violence_rate_per_1000": lads[code].get("rate_per_1000") if open_data or not is_primary(
                 lads[code]["count"]) else None} for code in sorted(lads)]
    total = sum(amount.values())
    section.sentences.append(f"Published projects serving these areas were awarded £{number(int(total))} in all "
                             f"({len(projects)} projects).")
    if rows and total:
        top = max(rows, key=lambda r: r["amount_awarded"])
        section.sentences.append(f"{top['name']} received the largest share, £{number(int(top['amount_awarded']))} "
                                 f"({float(top['amount_awarded'] / total) * 100:.1f}%).")
    reach = published_totals([p.pk for p in projects])
    section.sentences.append(f"Accepted monitoring returns record {number(reach['reach_under_25']['total'])} young "
                             "people aged 24 and under reached (new participants, published project figures).")
    section.figures.append(_figure("funding_by_area", "Amount awarded and violence rate by local authority", rows,
                                   charts.bar_chart([r["name"] or r["lad"] for r in rows],
                                                    [float(r["amount_awarded"]) for r in rows],
                                                    "Amount awarded by local authority",
                                                    "Pounds awarded to published projects serving each area.")))
    return section


def _sources_section(edition: str) -> Section:
    section = Section(8, "Data sources, definitions, disclosure control and limitations")
    for row in warehouse_summary():
        section.sentences.append(f"{row['source']}: {number(row['rows'])} records from {row['first_month']} to "
                                 f"{row['last_month']}.")
    if edition == "public":
        section.sentences.append(f"Disclosure control: counts from 1 to {THRESHOLD} are withheld, with rates from "
                                 "them, and further cells where a withheld count could be worked out from totals; "
                                 "ED figures are shown for local authorities and the region only.")
    else:
        section.sentences.append("Partner edition: figures are not disclosure-controlled; do not publish them.")
    section.sentences.append("police.uk locations are snapped to nearby points and LSOAs, so small-area figures "
                             "are approximate; rates use the population estimates loaded into the platform.")
    return section


def write_report(report: dict, out_dir: Path, template: str = "reports/report.html", pdf: bool = True) -> dict:
    """Write ``report`` as HTML, PDF and a CSV per figure under ``out_dir``; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "data").mkdir(exist_ok=True)
    for section in report["sections"]:
        for figure in section.figures:
            with open(out_dir / figure.csv_name, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(figure.columns)
                writer.writerows(["" if r.get(c) is None else r.get(c) for c in figure.columns] for r in figure.rows)
    css = (Path(__file__).resolve().parent.parent / "templates" / "reports" / "report.css").read_text()
    stem = report.get("stem", "report")
    html = render_to_string(template, {**report, "css": css})
    html_path = out_dir / f"{stem}.html"
    html_path.write_text(html, encoding="utf-8")
    written = {"html": html_path, "data": out_dir / "data"}
    if pdf:
        from weasyprint import HTML

        pdf_path = out_dir / f"{stem}.pdf"
        HTML(string=html, base_url=str(out_dir)).write_pdf(pdf_path)
        written["pdf"] = pdf_path
    return written

