"""What the public sees of the strategy: published strategies' texts, and each measure's value and status as the
public see the figure: open figures (police.uk) in full; controlled figures (ED, returns, training) from the one
public release (``core.release``), so a measure over a whole year for the region or a local authority shows the
release's rounded value and a status computed from it, and any other period or area (or a withheld count) shows
the reason it has no public value. Outcome measures are not in the release.
"""

from datetime import date

from django.db.models import Prefetch

from strategy.models import Commitment, Consultation, Measure, Strategy
from strategy.services.figures import CONTROLLED, FIGURES, describe
from strategy.services.plan import measure_progress

IN_THE_RELEASE = "published in the annual release"  # how the page names the public release


def public_strategies() -> list[Strategy]:
    """Published strategies with their priorities and current commitments and measures (withdrawn ones are the
    partnership's record, not the public's)."""
    return list(Strategy.objects.filter(is_published=True).prefetch_related(
        "priorities", Prefetch("priorities__commitments", queryset=Commitment.objects.current().prefetch_related(
            Prefetch("measures", queryset=Measure.objects.current())))))


def public_commitment(commitment: object, today: date | None = None) -> dict:
    """A commitment's texts with each measure: its value and status from the figure as the public see it
    (``controlled`` marks values read from the public release)."""
    from insights.query.areas import area_names

    measures = []
    all_measures = [m for m in commitment.measures.all() if m.withdrawn_at is None]
    names = area_names(sorted({m.area_code for m in all_measures if m.area_code}))
    for measure in all_measures:
        spec = FIGURES[measure.figure]
        reading, status = measure_progress(measure, today, public=True)
        measures.append({"label": describe(measure.figure, measure.subject, public=True),
                         "area": names.get(measure.area_code, measure.area_code), "area_code": measure.area_code,
                         "controlled": spec.disclosure == CONTROLLED,
                         "value": reading.value, "note": reading.note or (IN_THE_RELEASE if spec.disclosure ==
                                                                          CONTROLLED else ""),
                         "status": status, "target": measure.target, "direction": measure.direction,
                         "period": f"{measure.period_from} to {measure.period_to}"})
    return {"commitment": commitment, "measures": measures}


def you_said_we_did() -> list[dict]:
    """Published consultations with participants by age band (counts, no names) and each idea's answer; the
    commitments named are the current ones of published strategies only (an unpublished strategy's are the
    partners', and a withdrawn one is no longer the answer)."""
    return [{"consultation": c, "ideas": [{"idea": i, "commitments": [
                cm for cm in i.commitments.all() if cm.priority.strategy.is_published and cm.withdrawn_at is None]}
                for i in c.ideas.all()]}
            for c in Consultation.objects.filter(is_published=True).prefetch_related(
                "ideas__commitments__priority__strategy")]
