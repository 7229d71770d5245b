"""The annual report's figures for a financial year: reach, funding, the violence headline, incidents.

Public figures: reach is summed from published project figures (a project's figure from 1 to 7 is
withheld and left out, see ``monitoring.services.reach``); violence figures are disclosure-controlled.
"""

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from commissioning.models import Project, Theme
from core.disclosure import is_primary
from core.region import current_region
from insights import charts
from insights.services.catalogue import figure_rows
from insights.services.figures import FigureQuery
from monitoring.services.periods import financial_year_bounds, financial_year_label
from monitoring.services.reach import MEASURE_LABELS, MEASURES, project_reach
from reports.services.narrative import change_sentence, number
from reports.services.sna import SENTENCE_LABELS, Figure, Section, _figure


def _published(value: int) -> int | None:
    return None if is_primary(value) else value


def build_annual(year: int) -> dict:
    """The annual report for financial year ``year`` (2023 = April 2023 to March 2024)."""
    label = financial_year_label(year)
    first, last = financial_year_bounds(year)
    region = current_region()
    projects = {p.pk: p for p in Project.objects.filter(is_published=True)}
    reach = {pk: {m: _published(v) for m, v in values.items()} for pk, values in
             project_reach(year, list(projects)).items()}
    totals = {m: sum((r[m] or 0) for r in reach.values()) for m in MEASURES}
    withheld = {m: sum(1 for r in reach.values() if r[m] is None) for m in MEASURES}

    reach_section = Section(1, "Who the work reached")
    reach_section.sentences.append(
        f"In {label} commissioned projects reached {number(totals['reach_under_25'])} young people aged 24 and "
        f"under and {number(totals['reach_over_24'])} people over 24, and trained "
        f"{number(totals['professionals_trained'])} professionals (accepted monitoring returns, new participants).")
    if any(withheld.values()):
        reach_section.sentences.append("Projects with a figure from 1 to 7 are left out of these totals "
                                       "(disclosure control).")
    by_theme: dict[str, dict] = {t.value: {"theme": t.label, **dict.fromkeys(MEASURES, 0)} for t in Theme}
    by_area: dict[str, dict] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for pk, values in reach.items():
        for m in MEASURES:
            by_theme[projects[pk].theme][m] += values[m] or 0
            for code in projects[pk].area_codes or []:
                by_area[code][m] += values[m] or 0
    theme_rows = list(by_theme.values())
    reach_section.figures.append(_figure("reach_by_theme", "Reach by theme", theme_rows, charts.bar_chart(
        [r["theme"] for r in theme_rows], [r["reach_under_25"] for r in theme_rows],
        "Young people aged 24 and under reached, by theme", "New participants from accepted returns.")))
    from insights.services.areas import area_names

    names = area_names(list(by_area))
    reach_section.figures.append(_figure("reach_by_area", "Reach by area served (a project counts in each of its "
                                         "areas)", [{"area": c, "name": names.get(c, ""), **v}
                                                    for c, v in sorted(by_area.items())]))

    funding = Section(2, "What was funded")
    awarded = [p for p in projects.values() if first <= p.award_date <= last]
    amount = sum((p.amount_awarded for p in awarded), Decimal("0"))
    funding.sentences.append(f"{len(awarded)} projects were awarded £{number(int(amount))} in {label}.")
    money = {t.value: {"theme": t.label, "projects": 0, "amount_awarded": Decimal("0")} for t in Theme}
    for p in awarded:
        money[p.theme]["projects"] += 1
        money[p.theme]["amount_awarded"] += p.amount_awarded
    funding.figures.append(_figure("funding_by_theme", "Projects and amount awarded by theme", list(money.values())))

    violence = Section(3, "Violence in the year")
    query = FigureQuery("police", f"{year}-04", f"{year + 1}-03", lad_codes=tuple(region.lad_codes))
    headline = figure_rows("headline", query, False)
    for row in headline:
        if row["count"] or row["previous_year_count"]:
            violence.sentences.append(change_sentence(SENTENCE_LABELS[row["measure"]], row["count"],
                                                      row["previous_year_count"], label,
                                                      financial_year_label(year - 1)))
    violence.figures.append(_figure("violence_headline", "Headline figures", headline))

    incidents = Section(4, "Incidents responded to")
    from incidents.models import Incident
    from incidents.services.metrics import counts_by_month, in_period

    months = counts_by_month(in_period(Incident.objects.all(), first, last))
    responded = sum(m["responded_to"] for m in months)
    incidents.sentences.append(f"The partnership co-ordinated a response to {number(responded)} incidents of "
                               f"serious violence in {label}.")
    incidents.figures.append(Figure("incidents_by_month", "Incidents and responses by month",
                                    ["month", "incidents", "responded_to"], months))
    return {"title": f"Annual report {label}: {region.name}", "place": region.name, "edition": "public",
            "sections": [reach_section, funding, violence, incidents], "generated_at": timezone.now(),
            "is_synthetic": region.is_synthetic, "stem": f"annual-{label.replace('/', '-')}",
            "labels": MEASURE_LABELS}


def build_annual_edition(year: int, edition: str = "public") -> dict:
    """The annual report in an edition. The partner edition adds the training, networks and events section
    (``engagement.report``: controlled figures, unsuppressed, not for publication); the public edition is
    ``build_annual`` as it is, and gains training figures only through the public release."""
    if edition not in ("public", "partner"):
        raise ValueError("the edition is public or partner")
    report = build_annual(year)
    if edition == "partner":
        from engagement.report import annual_section

        report["sections"].append(annual_section(year, len(report["sections"]) + 1))
        report["edition"] = "partner"
        report["stem"] = f"{report['stem']}-partner"
    return report
