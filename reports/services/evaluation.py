"""A funded project's impact evaluation (``monitoring.services.impact``) as a report in the Strategic Needs
Assessment's form: sections of sentences and figures, written as HTML, PDF and a CSV per table by
``vrp evaluate``. The evaluation itself is monitoring's; writing it as a report is the reports app's, so
monitoring imports nothing from reports."""

from django.utils import timezone

from core.region import current_region
from monitoring.services import impact
from reports.services.sna import Figure, Section


def evaluation_report(evaluation: impact.Evaluation) -> dict:
    """The evaluation as a report in the SNA's form (sections of sentences and figures, one CSV each)."""
    project_obj = evaluation.project
    did = evaluation.did
    types = ", ".join(evaluation.types).lower()
    summary = Section(1, "What the evaluation found")
    summary.sentences.append(
        f"{project_obj.title} started in {evaluation.start_quarter}. Treated places: {evaluation.how_treated} "
        f"({len(evaluation.treated)} LSOAs), compared with {len(evaluation.matched)} matched places.")
    summary.sentences.append(
        f"Difference in differences: {did['estimate']:+.3f} {types} per 1,000 residents a quarter (95% interval "
        f"{did['ci_low']:+.3f} to {did['ci_high']:+.3f}, errors clustered by place). "
        + ("The interval includes zero: no change can be told apart from chance." if did["ci_low"] <= 0 <=
           did["ci_high"] else "The interval excludes zero."))
    synthetic = evaluation.synthetic_control
    if synthetic:
        summary.sentences.append(f"Synthetic control (second opinion): {synthetic['estimate']:+.3f} per 1,000 a "
                                 f"quarter, placebo-in-space p-value {synthetic['p_value']:.2f}.")
    estimates = [{"method": e["method"], "estimate": round(e["estimate"], 4),
                  "ci_low": "not estimated" if e["ci_low"] is None else round(e["ci_low"], 4),
                  "ci_high": "not estimated" if e["ci_high"] is None else round(e["ci_high"], 4),
                  "p_value": round(e["p_value"], 4), "places": e["clusters"]} for e in evaluation.estimates]
    summary.figures.append(Figure("estimates", "Estimates (per 1,000 residents a quarter)", list(estimates[0]),
                                  estimates))
    trend = Section(2, "Quarter by quarter around the start")
    events = _rounded(evaluation.event_study)
    trend.figures.append(Figure("event_study", "Event study: treated minus comparison, by quarter",
                                list(events[0]), events,
                                impact.event_study_chart(evaluation.event_study, "Event study")))
    if evaluation.synthetic:
        trend.figures.append(Figure("synthetic_control", "The treated places and their synthetic control",
                                    list(evaluation.synthetic[0]), evaluation.synthetic))
    places = Section(3, "The places compared")
    places.sentences.append("Each treated place is matched with up to three comparison places on pre-period trend, "
                            "deprivation and population; the balance table shows how alike the two groups are "
                            "(standardised mean differences under 0.25 are conventionally taken as good balance).")
    places.figures.append(Figure("treated_places", "Treated places", list(evaluation.treated[0]), evaluation.treated))
    places.figures.append(Figure("matched_set", "Matched comparison places", list(evaluation.matched[0]),
                                 evaluation.matched))
    places.figures.append(Figure("balance", "Balance of the matched set", list(evaluation.balance[0]),
                                 evaluation.balance))
    panel = _rounded(evaluation.panel)
    places.figures.append(Figure("panel", "The panel every estimate is computed from", list(panel[0]), panel))
    caveats_section = Section(4, "Caveats", list(evaluation.caveats))
    method = Section(5, "Method", [line.strip() for line in impact.__doc__.split("\n\n") if line.strip()][1:])
    region = current_region()
    return {"title": f"Impact evaluation: {project_obj.title} ({project_obj.identifier})", "place": region.name,
            "edition": "", "sections": [summary, trend, places, caveats_section, method],
            "generated_at": timezone.now(), "is_synthetic": region.is_synthetic,
            "stem": f"evaluation-{project_obj.identifier}"}


def _rounded(rows: list[dict], places: int = 4) -> list[dict]:
    """Rows with floats rounded for reading (the page's CSV downloads keep full precision)."""
    return [{k: round(v, places) if isinstance(v, float) else v for k, v in row.items()} for row in rows]
