"""The annual report's figures for a financial year: reach, funding, the violence headline, incidents, training.

A public report: reach (provider returns), incidents and training are controlled sources, so they are read from
the public release (``core.release``) — by theme and local authority for the year — exactly as the public pages
read them; the violence headline and the training figure come from the figure registry as the public see them.
Amounts awarded are the partnership's own published figures.
"""

from decimal import Decimal

from django.utils import timezone

from commissioning.models import Project, Theme
from core import figures as registry
from core.figures import known
from core.periods import Year
from core.problems import Refused
from core.region import current_region
from core.release import ALL, REGION, TOTAL, current_release
from insights import charts
from insights.query.access import PUBLIC, for_region
from insights.query.figures import FigureQuery
from monitoring.services.periods import financial_year_bounds, financial_year_label
from monitoring.services.reach import MEASURE_LABELS, MEASURES
from reports.services.narrative import change_sentence, number
from reports.services.sna import SENTENCE_LABELS, Figure, Section, _figure


def _release_rows(source: str, year: str, rows_of: list[tuple[str, str, str, str]]) -> tuple[list[dict], str]:
    """Cells of a source's release for ``year``: each (key, breakdown, category, area) becomes a row of every
    measure; a figure the release does not hold gives no rows and the reason."""
    try:
        release = current_release(source)
        rows = [{"key": key, **{m: release.value(m, b, c, year, a) for m in release.manifest["measures"]}}
                for key, b, c, a in rows_of]
    except Refused as exc:
        return [], exc.reason
    return rows, ""


def _reach_sentence(label: str, totals: dict) -> str:
    """Who the projects reached, naming only the groups with a number to give: a withheld count is said to be
    withheld, and a group of none is left out rather than written as "0 people over 24"."""
    parts, withheld = [], []
    for key, words in (("reach_under_25", "young people aged 24 and under"), ("reach_over_24", "people aged 25 and "
                                                                                                "over")):
        value = totals.get(key)
        if not known(value):
            withheld.append(words)
        elif value:
            parts.append(f"{number(value)} {words}")
    trained = totals.get("professionals_trained")
    did = []
    if parts:
        did.append("reached " + " and ".join(parts))
    if known(trained) and trained:
        did.append(f"trained {number(trained)} professionals")
    if not did:
        sentence = f"In {label} no reach was recorded in accepted monitoring returns"
    else:
        sentence = f"In {label} commissioned projects " + ", and ".join(did)
    if withheld:
        sentence += f" (figures for {' and '.join(withheld)} are withheld: too few to publish)"
    return sentence + (" (accepted monitoring returns, new participants; the public release: rounded to 5, small "
                       "counts withheld).")


def build_annual(year: int, training: bool = True) -> dict:
    """The annual report for financial year ``year`` (2023 = April 2023 to March 2024); ``training=False`` leaves
    out the public training section (the partner edition has its own, in full)."""
    label = financial_year_label(year)
    first, last = financial_year_bounds(year)
    region = current_region()
    projects = {p.pk: p for p in Project.objects.filter(is_published=True)}

    reach_section = Section(1, "Who the work reached", chart_of="reach_by_theme", table_of="reach_by_area")
    totals, note = _release_rows("returns", label, [("region", TOTAL, ALL, REGION)])
    if totals:
        t = totals[0]
        reach_section.sentences.append(_reach_sentence(label, t))
    else:
        reach_section.sentences.append(note)
    themes = [t.label for t in Theme]
    by_theme, _ = _release_rows("returns", label, [(t, "theme", t, REGION) for t in themes
                                                   if _held("returns", "theme", t, label)])
    theme_rows = [{"theme": r["key"], **{m: r[m] for m in MEASURES}} for r in by_theme]
    reach_section.figures.append(_figure("reach_by_theme", "Reach by theme", theme_rows, charts.bar_chart(
        [r["theme"] for r in theme_rows], [registry.number(r["reach_under_25"]) for r in theme_rows],
        "Young people aged 24 and under reached, by theme", "New participants from accepted returns.")
        if theme_rows else ""))
    from insights.query.areas import area_names

    names = area_names(list(region.lad_codes))
    by_area, _ = _release_rows("returns", label, [(c, TOTAL, ALL, c) for c in region.lad_codes
                                                  if _held("returns", TOTAL, ALL, label, c)])
    reach_section.figures.append(_figure("reach_by_area", "Reach by local authority served (a project counts in "
                                         "each of its areas)", [{"area": r["key"], "name": names.get(r["key"], ""),
                                                                 **{m: r[m] for m in MEASURES}} for r in by_area]))
    reach_section.figures[-1].top = "reach_under_25"

    funding = Section(2, "What was funded")
    awarded = [p for p in projects.values() if first <= p.award_date <= last]
    amount = sum((p.amount_awarded for p in awarded), Decimal("0"))
    funding.sentences.append(f"{len(awarded)} projects were awarded £{number(int(amount))} in {label}.")
    money = {t.value: {"theme": t.label, "projects": 0, "amount_awarded": Decimal("0")} for t in Theme}
    for p in awarded:
        money[p.theme]["projects"] += 1
        money[p.theme]["amount_awarded"] += p.amount_awarded
    money_rows = list(money.values())
    funding.figures.append(_figure("funding_by_theme", "Projects and amount awarded by theme", money_rows,
                                   charts.bar_chart([r["theme"] for r in money_rows],
                                                    [float(r["amount_awarded"]) for r in money_rows],
                                                    "Amount awarded by theme (£)",
                                                    f"Pounds awarded to published projects in {label}, by theme.")
                                   if awarded else ""))
    funding.figures[-1].top = "amount_awarded"

    violence = Section(3, "Violence in the year")
    period = Year(year, financial=True)
    query = for_region(FigureQuery("police"))
    query = FigureQuery("police", period.first_month, period.last_month, lad_codes=query.lad_codes,
                        no_location=True, forces=query.forces)
    headline = registry.get("headline").table(query, PUBLIC)
    for row in headline.rows:
        if not known(row["count"]) or row["count"]:
            violence.sentences.append(change_sentence(SENTENCE_LABELS[row["measure"]], row["count"],
                                                      row["previous_year_count"], label,
                                                      financial_year_label(year - 1), row.get("change")))
    violence.figures.append(Figure("violence_headline", "Headline figures", headline.keys, headline.rows,
                                   note=headline.refused))

    incidents = Section(4, "Incidents responded to")
    months, note = _release_months("incidents", period)
    year_rows, _ = _release_rows("incidents", label, [("region", TOTAL, ALL, REGION)])
    incidents.sentences.append(_incidents_sentence(label, months, year_rows[0] if year_rows else {}, note))
    incidents.figures.append(Figure("incidents_by_month", "Incidents and responses by month",
                                    ["month", "incidents", "responded_to"], months, charts.bar_chart(
                                        [m["month"] for m in months],
                                        [registry.number(m.get("incidents")) for m in months],
                                        "Incidents of serious violence by month",
                                        "Incidents recorded each month (the public release, rounded).")
                                    if any(known(m.get("incidents")) and m.get("incidents") for m in months) else "",
                                    top="incidents"))  # the sentence above gives the reason where there are none
    sections = [reach_section, funding, violence, incidents]
    if training:
        sections.append(training_section(year, len(sections) + 1))
    sections = _with_key_findings(sections)
    return {"title": f"Annual report {label}: {region.name}", "place": region.name, "edition": "public",
            "sections": sections, "generated_at": timezone.now(),
            "is_synthetic": region.is_synthetic, "stem": f"annual-{label.replace('/', '-')}",
            "labels": MEASURE_LABELS}


def _with_key_findings(sections: list[Section]) -> list[Section]:
    """A key-findings summary first: each section's first sentence (its main finding), in the report's order;
    the sections numbered from 1."""
    key = Section(1, "Key findings", summary=True,
                  sentences=[s.finding or s.sentences[0] for s in sections if s.finding or s.sentences])
    for position, section in enumerate(sections, start=2):
        section.number = position
    return [key, *sections]


def _incidents_sentence(label: str, months: list[dict], year: dict, note: str) -> str:
    """What the year's incidents were, from the release's total for the region: none ("no incidents ... were
    recorded"), never "a response to 0 incidents"; too few to publish said so; the release's reason where it
    does not hold the year."""
    if not months:
        return note
    recorded, responded = year.get("incidents"), year.get("responded_to")
    if not known(recorded) and all(known(m.get("incidents")) for m in months):
        recorded = sum(m["incidents"] for m in months)  # the year's total, from its months where each is given
    if known(recorded) and not recorded:
        return f"No incidents of serious violence were recorded in {label}."
    if known(recorded) and known(responded):
        return (f"The partnership co-ordinated a response to {number(responded)} of the {number(recorded)} "
                f"incidents of serious violence recorded in {label} (the public release, rounded to 5).")
    if known(recorded):
        return (f"{number(recorded)} incidents of serious violence were recorded in {label} (the public release, "
                "rounded to 5); the number responded to is too small to publish.")
    return (f"Incidents of serious violence were recorded in {label}, too few to publish (the public release "
            "withholds small counts).")


def training_section(year: int, section_number: int) -> Section:
    """The public training section: the ``training`` figure of the registry as the public see it (the public
    release of the training register; ``engagement.figures.public_training``), written as ``data/training.csv``
    (``measure,value``: professionals trained, attendances by who attended, professionals reached)."""
    from engagement.figures import PUBLIC

    label = financial_year_label(year)
    section = Section(section_number, "Training and awareness")
    table = registry.get("training").table(year, PUBLIC)
    if table.refused:
        section.sentences.append(table.refused)
    else:
        values = {r["measure"]: r["value"] for r in table.rows}
        section.sentences.append(
            f"In {label} the partnership's training and awareness sessions reached "
            f"{number(values['professionals_trained'])} professionals (each counted once in the year), with "
            f"{number(values['attendances'])} attendances in all, of which "
            f"{number(values['young_people_attendances'])} were by children and young people (counted as "
            "attendances, not people); the public release of the training register, rounded to 5, small counts "
            "withheld.")
        if known(values["professionals_reached"]):
            section.sentences.append(
                f"With the professionals that commissioned providers report training in their accepted monitoring "
                f"returns, {number(values['professionals_reached'])} professionals were reached, each counted once "
                "(the register's professionals at a project's sessions are matched against what its returns "
                "report).")
    # The printed table names each measure in words (``report_labels.measure_name``); the CSV keeps the keys.
    section.figures.append(Figure("training", table.title, ["measure", "value"], table.rows))
    return section


def _held(source: str, breakdown: str, category: str, year: str, area: str = REGION) -> bool:
    try:
        release = current_release(source)
    except Refused:
        return False
    return any(release.holds(m, breakdown, category, year, area) for m in release.manifest["measures"])


def _release_months(source: str, period: Year) -> tuple[list[dict], str]:
    try:
        release = current_release(source)
        if period.label not in release.years:
            raise Refused(release.why_not("incidents", TOTAL, period.label, REGION))
        return [{"month": m, **{k: release.value(k, TOTAL, ALL, m, REGION) for k in release.manifest["measures"]}}
                for m in period.months], ""
    except Refused as exc:
        return [], exc.reason


def build_annual_edition(year: int, edition: str = "public") -> dict:
    """The annual report in an edition. The public edition is ``build_annual``, whose training section is the
    public release's; the partner edition has instead the training, networks and events section
    (``reports.services.training_section``: controlled figures, unsuppressed, not for publication)."""
    if edition not in ("public", "partner"):
        raise ValueError("the edition is public or partner")
    report = build_annual(year, training=edition == "public")
    if edition == "partner":
        from reports.services.training_section import annual_section

        report["sections"] = _with_key_findings([*report["sections"][1:], annual_section(year, 0)])
        report["edition"] = "partner"
        report["stem"] = f"{report['stem']}-partner"
    return report
