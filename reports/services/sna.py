"""The Strategic Needs Assessment, generated from the data: sections of figures, maps, tables and sentences.

``build_sna`` returns plain data (sections, each with its sentences and figures); ``write_report`` renders it
to a self-contained HTML file, a PDF of the same content (WeasyPrint), and a ``data/`` folder with one CSV per
figure, which the HTML links to and the PDF cites. Figures come from the figure registry through a
``FigureAccess``: the public edition reads controlled sources (ED, returns) from the public release, exactly as
the public pages do, and police.uk open data in full; the partner edition reads everything in full.
"""

import csv
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone

from core import figures as registry
from core.figures import known, no_data
from core.periods import months_between
from core.problems import Refused
from core.region import current_region
from core.render import csv_cell
from insights import charts
from insights.hotspots.query import lsoas_in
from insights.query.access import FULL, PUBLIC, FigureAccess, for_region
from insights.query.areas import area_names
from insights.query.figures import FigureQuery
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
    """One figure of the report: its table (rows and columns), an optional chart or map, its CSV name.

    ``top`` names the column the printed table ranks its rows by, largest first ("" keeps the figure's own
    order); ``shown`` the columns it prints (default: ``report_labels.printed_columns``). The CSV has every row
    and column, in the figure's order."""

    name: str
    title: str
    columns: list[str]
    rows: list[dict]
    chart: str = ""
    note: str = ""
    top: str = ""
    shown: list[str] = field(default_factory=list)

    @property
    def csv_name(self) -> str:
        return f"data/{self.name}.csv"


@dataclass
class Section:
    """A section of a report as a published document prints it: its sentences, then one chart or map
    (``chart``) and one short table (``table``: at most ten rows, the full table in its CSV). Its other figures
    (``more``) are written as CSVs and listed by name, with the reason where one could not be given.

    ``chart_of`` and ``table_of`` name the figures to print; by default the first figure with a chart, and
    that figure's table (or else the first figure with rows)."""

    number: int
    title: str
    sentences: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    chart_of: str = ""
    table_of: str = ""
    #: The sentence the report's key findings repeat ("" for none).
    finding: str = ""
    #: Sentences printed as a list of findings (the summary).
    summary: bool = False

    def _named(self, name: str) -> Figure | None:
        return next((f for f in self.figures if f.name == name), None)

    @property
    def chart(self) -> Figure | None:
        named = self._named(self.chart_of) if self.chart_of else None
        if named and named.chart:
            return named
        return next((f for f in self.figures if f.chart and not self.chart_of), None)

    @property
    def table(self) -> Figure | None:
        if self.table_of:
            return self._named(self.table_of)
        chart = self.chart
        if chart and chart.rows:
            return chart
        return next((f for f in self.figures if f.rows), None) or next(
            (f for f in self.figures if f is not chart), None)

    @property
    def more(self) -> list[Figure]:
        printed = (self.chart, self.table)
        return [f for f in self.figures if not any(f is p for p in printed)]


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


def _figure(name: str, title: str, rows: list[dict], chart: str = "", note: str = "",
            columns: list[str] | None = None) -> Figure:
    """A figure of the report from its rows; ``columns`` name its CSV's header when there may be no rows (a
    CSV with no header row says nothing of what was looked for)."""
    return Figure(name, title, list(rows[0]) if rows else list(columns or []), rows, chart, note)


def _catalogue(name: str, title: str, query: FigureQuery, access: FigureAccess) -> Figure:
    """A registered figure, as the pages compute it for the same viewer (the public, or a partner in full)."""
    table = registry.get(name).table(query, access)
    return Figure(name, title, table.keys, table.rows, table.chart, table.refused)


def build_sna(period: ReportPeriod, area: str | None = None, edition: str = "public",
              progress: Progress | None = None) -> dict:
    """Every section of the SNA for the period and area (the region when None), as plain data."""
    if edition not in ("public", "partner"):
        raise ValueError("the edition is public or partner")
    step = progress or (lambda percent, message: None)
    access = FULL if edition == "partner" else PUBLIC
    region = current_region()
    base = FigureQuery("police", period.month_from, period.month_to, area) if area else replace(
        for_region(FigureQuery("police")), month_from=period.month_from, month_to=period.month_to)
    violence = replace(base, types=("Violence and sexual offences",))
    ed = replace(base, source="ed")
    place = area_names([area]).get(area, area) if area else region.name
    sections: list[Section] = []

    step(5, "Key figures")
    headline = _catalogue("headline", "Headline figures", base, access).rows
    by_key = {r["measure"]: r for r in headline}
    key = Section(1, "Key findings", summary=True)
    for measure, label in SENTENCE_LABELS.items():
        row = by_key.get(measure)
        if row and (not known(row["count"]) or row["count"]):
            key.sentences.append(change_sentence(label, row["count"], row["previous_year_count"],
                                                 period.label, period.previous_label, row.get("change")))
    key.figures.append(_figure("headline", "Headline figures", headline))

    step(15, "The region")
    sections.append(key)
    sections.append(_region_section(base, place, access))

    step(30, "Violence over time")
    sections.append(_over_time_section(violence, ed, access))

    step(45, "Places most affected")
    sections += _places_sections(violence, area, access)

    step(65, "People most affected")
    sections.append(_people_section(ed, access))

    step(75, "Success measures")
    sections.append(_success_section(base, by_key, period, access))

    step(85, "What the partnership funds")
    sections.append(_funding_section(violence, area, access, period))

    step(92, "Sources and definitions")
    sections.append(_sources_section(edition, base, ed, access))
    for position, section in enumerate(sections, start=1):
        section.number = position
    # The summary first: the headline changes, then each section's main finding, in the order of the report.
    key.sentences += [s.finding for s in sections[1:] if s.finding]
    return {"title": f"Strategic Needs Assessment {period.label}: {place}", "place": place, "period": period,
            "edition": edition, "sections": sections, "generated_at": timezone.now(),
            "is_synthetic": region.is_synthetic}


def _over_time_section(violence: FigureQuery, ed: FigureQuery, access: FigureAccess) -> Section:
    """Police-recorded violence month by month (the chart, and the ten busiest months); the calendar months,
    ED attendances by month and by day and hour in the data folder."""
    section = Section(3, "Violence over time", chart_of="trend", table_of="trend")
    trend = _catalogue("trend", "Violence and sexual offences by month", violence, access)
    trend.top = "count"
    seasonality = _catalogue("seasonality", "Violence and sexual offences by calendar month", violence, access)
    section.figures += [trend, seasonality]
    peak = max((r for r in seasonality.rows if known(r.get("average"))), key=lambda r: r["average"],
               default=None)
    if peak:
        section.finding = (f"Violence and sexual offences peaked in {peak['name']}, with an average of "
                           f"{number(peak['average'])} a month.")
        section.sentences.append(section.finding)
    ed_trend = _catalogue("trend", "ED assault attendances by month", ed, access)
    ed_trend.name = "ed_trend"  # the same figure as the police trend, saved under its own CSV name
    section.figures.append(ed_trend)
    day_hour = _catalogue("day_and_hour", "ED assault attendances by day of week and hour", ed, access)
    if day_hour.rows:
        busiest = max((r for r in day_hour.rows if known(r.get("count"))), key=lambda r: r["count"], default=None)
        if busiest:
            section.sentences.append(f"ED assault attendances were most frequent on {busiest['day']}s at "
                                     f"{busiest['hour']:02d}:00.")
    section.figures.append(day_hour)
    return section


def _region_section(query: FigureQuery, place: str, access: FigureAccess) -> Section:
    # A report on one local authority is about that area, not the region (its title says which).
    title = "The region" if query.area is None else "The area"
    section = Section(2, f"{title}: population, age and deprivation", chart_of="deprivation",
                      table_of="population")
    rows = [r for r in registry.get("local_authorities").table(replace(query, types=()), access).rows
            if r["lad"] != "no location"]
    population = sum(r["population"] or 0 for r in rows)
    table = [{"lad": r["lad"], "name": r["name"], "population": r["population"],
              "crime_rate_per_1000": r["rate_per_1000"],
              "crime_rate_per_1000_aged_24_and_under": r["rate_per_1000_aged_24_and_under"]} for r in rows]
    section.sentences.append(f"{place} has {number(population)} residents in {len(rows)} local "
                             f"authorit{'y' if len(rows) == 1 else 'ies'} (population estimates as loaded).")
    from geography.models import PopulationRecord

    young_total = sum(p or 0 for p in PopulationRecord.objects.filter(area_code__in=lsoas_in(query.area))
                      .values_list("aged_24_and_under", flat=True))
    if population and young_total:
        section.sentences.append(f"{young_total / population * 100:.1f}% of residents are aged 24 and under.")
    from insights.query.overview import _imd_deciles

    universe = lsoas_in(query.area) if query.area else lsoas_in(None)
    deciles = _imd_deciles(universe)
    most = sum(1 for d in deciles.values() if d == 1)
    if deciles:
        section.finding = (f"{number(most)} of the {number(len(universe))} LSOAs ({most / len(universe) * 100:.1f}%) "
                           "are among the 10% most deprived in England (IMD decile 1).")
        section.sentences.append(section.finding)
    decile_rows = [{"imd_decile": d, "lsoas": sum(1 for v in deciles.values() if v == d)} for d in range(1, 11)]
    population_figure = _figure("population", "Residents and police-recorded crime by local authority", table)
    population_figure.top = "population"
    section.figures.append(population_figure)
    section.figures.append(_figure("deprivation", "LSOAs by IMD decile (1 = most deprived)", decile_rows,
                                   charts.bar_chart([str(r["imd_decile"]) for r in decile_rows],
                                                    [r["lsoas"] for r in decile_rows], "LSOAs by IMD decile",
                                                    "Number of LSOAs in each national deprivation decile.")))
    return section


def _places_sections(violence: FigureQuery, area: str | None, access: FigureAccess) -> list[Section]:
    """Three sections: local authorities (a map and their rates), neighbourhoods (a map of LSOA rates and the
    LSOAs with the most violence; concentration and hot spots in the data folder) and the priority places."""
    authorities = Section(4, "Where violence happens: local authorities", chart_of="local_authorities",
                          table_of="local_authorities")
    lads = _catalogue("local_authorities", "Violence and sexual offences by local authority", violence, access)
    lads.top = "rate_per_1000"
    rated = [r for r in lads.rows if known(r.get("rate_per_1000"))]
    if rated:
        top = max(rated, key=lambda r: r["rate_per_1000"])
        authorities.finding = (f"{top['name'] or top['lad']} had the highest rate of violence and sexual offences, "
                               f"{number(top['rate_per_1000'])} per 1,000 residents.")
        authorities.sentences.append(authorities.finding)
    lads.chart = choropleth_svg({r["lad"]: registry.number(r.get("rate_per_1000")) for r in lads.rows
                                 if r.get("lad") and r["lad"] != "no location"},
                                "Violence and sexual offences per 1,000 residents by local authority",
                                "Choropleth map; the same rates are in the table.", "per 1,000")
    authorities.figures.append(lads)

    places = Section(5, "Neighbourhoods most affected", chart_of="lsoa_rates", table_of="places")
    # police.uk open data: every LSOA's rate is published in full, as the public LSOA map shows it.
    lsoa_layer = registry.get("map_lsoa").table(violence, access)
    lsoa_rates = {r["code"]: registry.number(r["rate_per_1000"]) for r in lsoa_layer.rows}
    names = area_names(list(lsoa_rates))
    lsoa_map = choropleth_svg(lsoa_rates, "Violence and sexual offences per 1,000 residents by LSOA",
                              "LSOA rates, as the public LSOA map shows them.", "per 1,000")
    places.figures.append(Figure("lsoa_rates", "Violence and sexual offences per 1,000 residents by LSOA",
                                 ["lsoa", "name", "rate_per_1000"],
                                 [{"lsoa": k, "name": names.get(k, ""), "rate_per_1000": v}
                                  for k, v in sorted(lsoa_rates.items())],
                                 lsoa_map, lsoa_layer.refused, top="rate_per_1000"))
    most = _catalogue("places", "The LSOAs with the most violence and sexual offences", violence, access)
    most.chart = ""  # the section's one map is the LSOA rates; this figure's chart stays on the insights pages
    places.figures.append(most)
    concentration = _catalogue("concentration", "Concentration of violence in the most affected LSOAs", violence,
                               access)
    ten = next((r for r in concentration.rows if r.get("top_percent_of_lsoas") == 10), None)
    if ten and known(ten.get("share_percent")):
        places.finding = (f"The 10% of LSOAs with the most violence and sexual offences had "
                          f"{ten['share_percent']}% of them.")
        places.sentences.append(places.finding)
    places.figures.append(concentration)
    spot_columns = [c.key for c in registry.get("hotspots").columns if c.key != "geometry"]
    try:
        spots = registry.get("hotspots").compute((violence, "none"), access)
    except Exception as exc:  # noqa: BLE001 - a region without boundaries still gets its report, with the reason
        places.figures.append(_figure("hotspots", "Hot spots (Getis-Ord Gi*)", [], note=str(exc),
                                      columns=spot_columns))
    else:
        hot = [{k: v for k, v in r.items() if k != "geometry"} for r in spots if r["class"] == "hot spot"]
        method = "of violence and sexual offences (Getis-Ord Gi*, false discovery rate 5%)."
        places.sentences.append(f"No LSOA was a hot spot {method}" if not hot else
                                f"One LSOA was a hot spot {method}" if len(hot) == 1 else
                                f"{number(len(hot))} LSOAs were hot spots {method}")
        places.figures.append(_figure("hotspots", "Hot spots of violence and sexual offences (Gi*)", hot,
                                      columns=spot_columns,
                                      note="" if hot else "no LSOA was a hot spot in this period"))

    ranked = Section(6, "Priority places", table_of="priority")
    priority = _catalogue("priority", "Priority places", violence, access)
    ranked.sentences.append(f"The priority index ranks {number(len(priority.rows))} LSOAs for attention first "
                            "(rate, trend, deprivation and youth population).")
    first = priority.rows[0] if priority.rows else None
    if first and first.get("name") and known(first.get("priority_index")):
        ranked.finding = (f"{first['name']} ranks first for attention on the priority index "
                          f"({number(first['priority_index'])} of 100).")
        ranked.sentences.append(ranked.finding)
    ranked.figures.append(priority)
    return [authorities, places, ranked]


def _people_section(ed: FigureQuery, access: FigureAccess) -> Section:
    """ED attendances by age band and sex: a two-way table in full; in the public edition the release's
    one-way tables (by age band, by sex), as the public pages give them."""
    section = Section(7, "People most affected: emergency department assault attendances",
                      chart_of="ed_age_band", table_of="ed_age_sex" if access.full(ed) else "ed_sex")
    if not ed.month_from:
        section.sentences.append("No emergency department data is loaded for this period.")
        return section
    try:
        totals = access.counts(replace(ed, types=()), [])
        groups = {r["age_group"]: r["count"] for r in access.counts(replace(ed, types=()), ["age_group"])}
        by_sex = access.counts(replace(ed, types=()), ["sex"])
        by_band = access.counts(replace(ed, types=()), ["age_band"])
    except Refused as exc:
        section.sentences.append(exc.reason)
        return section
    total = totals[0]["count"] if totals else 0
    if known(total) and not total:
        section.sentences.append("No emergency department data is loaded for this period.")
        return section
    under_25 = groups.get("24 and under", 0)
    male = next((r["count"] for r in by_sex if (r["sex"] or "").lower() in ("male", "m")), 0)
    if known(total) and known(under_25) and known(male):
        section.finding = (f"{number(total)} emergency department assault attendances were recorded; "
                           f"{under_25 / total * 100:.1f}% were of people aged under 25 and "
                           f"{male / total * 100:.1f}% were male.")
        section.sentences.append(section.finding)
    else:
        section.sentences.append(f"{number(total)} emergency department assault attendances were recorded "
                                 "(some breakdowns are withheld in the public release).")
    if access.full(ed):
        rows = access.counts(replace(ed, types=()), ["age_band", "sex"])
        cells = {(r["age_band"] or "not known", r["sex"] or "not known"): r["count"] for r in rows}
        bands, sexes = sorted({k[0] for k in cells}), sorted({k[1] for k in cells})
        grid = [{"age_band": b, **{s: cells.get((b, s), 0) for s in sexes}} for b in bands]
        section.figures.append(_figure("ed_age_sex", "ED assault attendances by age band and sex", grid))
    band_rows = [{"age_band": r["age_band"] or "not known", "count": r["count"]} for r in by_band]
    section.figures.append(_figure("ed_age_band", "ED assault attendances by age band", band_rows,
                                   charts.bar_chart([r["age_band"] for r in band_rows],
                                                    [registry.number(r["count"]) for r in band_rows],
                                                    "ED attendances by age band",
                                                    "All ED assault attendances in each age band.")))
    section.figures.append(_figure("ed_sex", "ED assault attendances by sex",
                                   [{"sex": r["sex"] or "not known", "count": r["count"]} for r in by_sex]))
    return section


def _success_section(query: FigureQuery, by_key: dict, period: ReportPeriod, access: FigureAccess = PUBLIC
                     ) -> Section:
    """Each Home Office measure from the best source loaded (``partners.services.success``): an indicator where
    one is loaded, a proxy (said so) only where none is."""
    from core.periods import Year
    from partners.services.success import sentences, success_measures

    section = Section(6, "Violence Reduction Unit success measures")
    rows = success_measures(Year(period.year, period.financial), query.area, access)
    section.sentences += sentences(rows)
    measures = _figure("success_measures", "Success measures (indicators, or proxies where none)", rows)
    measures.shown = [c for c in ("measure", "source", "period", "count", "under_25_count",
                                  "change_since_baseline_percent")
                      if c in measures.columns]
    section.figures.append(measures)
    return section


def _funding_section(violence: FigureQuery, area: str | None, access: FigureAccess, period: ReportPeriod
                     ) -> Section:
    from commissioning.models import Project
    from geography.models import AreaLink
    from monitoring.services.reach import MEASURES, headline, public_reach

    section = Section(7, "What the partnership funds, and where")
    lads = {r["lad"]: r for r in registry.get("local_authorities").table(violence, access).rows
            if r.get("lad") and r["lad"] != "no location"}
    lad_of = dict(AreaLink.objects.filter(parent_level="lad").values_list("child_code", "parent_code"))
    amount = {code: Decimal("0") for code in lads}
    projects = list(Project.objects.filter(is_published=True))
    for project in projects:
        served = {code if code in lads else lad_of.get(code) for code in project.area_codes or []} & set(lads)
        for code in served:
            # A project serving several local authorities is split equally between them.
            amount[code] += project.amount_awarded / len(served)
    rows = [{"lad": code, "name": lads[code]["name"], "amount_awarded": round(amount[code], 2),
             "violence_rate_per_1000": lads[code].get("rate_per_1000")} for code in sorted(lads)]
    total = sum(amount.values())
    section.sentences.append(f"Published projects serving these areas were awarded £{number(int(total))} in all "
                             f"({len(projects)} projects).")
    if len(rows) == 1 and total:
        section.finding = f"{rows[0]['name']} was awarded £{number(int(total))}."
        section.sentences.append(section.finding)
    elif rows and total:
        top = max(rows, key=lambda r: r["amount_awarded"])
        share = float(top["amount_awarded"] / total) * 100
        section.finding = (f"{top['name']} received the largest share of funding, "
                           f"£{number(int(top['amount_awarded']))} ({share:.1f}%).")
        section.sentences.append(section.finding)
    section.sentences.append(_reach_sentence(access, period, area, headline, public_reach, MEASURES))
    section.figures.append(_figure("funding_by_area", "Amount awarded and violence rate by local authority", rows,
                                   charts.paired_bar_chart(
                                       [r["name"] or r["lad"] for r in rows],
                                       [float(r["amount_awarded"]) for r in rows],
                                       [registry.number(r["violence_rate_per_1000"]) for r in rows],
                                       "Amount awarded (£)", "Violence rate per 1,000 residents",
                                       "Amount awarded and violence rate by local authority",
                                       "Pounds awarded to published projects serving each area, beside the area's "
                                       "rate of violence per 1,000 residents.", "£{:,.0f}")))
    section.figures[-1].top = "amount_awarded"
    return section


def _reach_sentence(access: FigureAccess, period: ReportPeriod, area: str | None, headline, public_reach,
                    measures) -> str:
    """Young people reached in the report's year: in full for partners, from the public release otherwise."""
    if access is FULL:
        if not period.financial:
            return "Reach is counted by financial year; see the annual report."
        reached = headline(period.year)["reach_under_25"]
        return (f"In {period.label} accepted monitoring returns record {number(reached)} young people aged 24 and "
                "under reached (new participants).")
    try:
        reached = public_reach(period.label, area)["reach_under_25"]
    except Refused as exc:
        return exc.reason
    return (f"In {period.label} accepted monitoring returns record {number(reached)} young people aged 24 and "
            "under reached (new participants; the public release, rounded).")


def _sources_section(edition: str, base: FigureQuery, ed: FigureQuery, access: FigureAccess) -> Section:
    """What the report counts: for each source, the records in the report's area and year (not the whole
    warehouse), what was left out and why, and where the figures come from."""
    from insights.query.overview import left_out, period_label

    section = Section(8, "Data sources, definitions, disclosure control and limitations")
    label = period_label(base.month_from, base.month_to)
    for query in (replace(base, types=()), replace(ed, types=())):
        try:
            found = access.counts(query, [])
            if not set(months_between(query.month_from, query.month_to)) & access.months(query.source):
                # Nothing loaded for the period: "no data for 2024", never "0 records".
                section.sentences.append(f"{access.source_line(query)} {no_data(label).reason.capitalize()}: "
                                         "none of its months is loaded.")
                continue
            count = found[0]["count"] if found else 0
            section.sentences.append(f"{access.source_line(query)} {number(count)} records in {label} for this "
                                     "report's area.")
            section.sentences.extend(left_out(query, access))
        except Refused as exc:
            section.sentences.append(exc.reason)
    if edition == "public":
        section.sentences.append("police.uk data is open data, published in full. Emergency department data and "
                                 "monitoring returns are controlled: the public edition reads them from the public "
                                 "release only (whole years, the region and its local authorities, rounded to 5 "
                                 "with small counts withheld), exactly as the public pages do.")
    else:
        section.sentences.append("Partner edition: controlled figures are shown in full; do not publish them.")
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
                writer.writerows([csv_cell(r.get(c)) for c in figure.columns] for r in figure.rows)
    css = (Path(__file__).resolve().parent.parent / "templates" / "reports" / "report.css").read_text()
    stem = report.get("stem", "report")
    # The CSV bundle: every figure's full table in one download, as the data folder holds them.
    bundle = out_dir / f"{stem}-data.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((out_dir / "data").glob("*.csv")):
            archive.write(path, f"data/{path.name}")
    html = render_to_string(template, {**report, "css": css, "bundle": bundle.name})
    html_path = out_dir / f"{stem}.html"
    html_path.write_text(html, encoding="utf-8")
    written = {"html": html_path, "data": out_dir / "data", "bundle": bundle}
    if pdf:
        from weasyprint import HTML

        pdf_path = out_dir / f"{stem}.pdf"
        HTML(string=html, base_url=str(out_dir)).write_pdf(pdf_path)
        written["pdf"] = pdf_path
    return written

