"""What the public sees of the strategy: published strategies' texts, and measures' values only where the figure
is open (police.uk). A controlled figure's value and status (ED, returns, training, outcomes) reach the public
only through the one public release, so until the strategy reads that release they show as "published in the
annual release".
"""

from datetime import date

from strategy.models import Consultation, Strategy
from strategy.services.figures import CONTROLLED, FIGURES
from strategy.services.plan import measure_progress

IN_THE_RELEASE = "published in the annual release"


def public_strategies() -> list[Strategy]:
    return list(Strategy.objects.filter(is_published=True).prefetch_related("priorities__commitments__measures"))


def public_commitment(commitment: object, today: date | None = None) -> dict:
    """A commitment's texts with each measure: open ones with value and status, controlled ones withheld."""
    measures = []
    for measure in commitment.measures.all():
        spec = FIGURES[measure.figure]
        if spec.disclosure == CONTROLLED:
            measures.append({"label": spec.label, "area": measure.area_code, "controlled": True,
                             "note": IN_THE_RELEASE, "target": measure.target, "direction": measure.direction,
                             "period": f"{measure.period_from} to {measure.period_to}"})
            continue
        reading, status = measure_progress(measure, today)
        measures.append({"label": spec.label, "area": measure.area_code, "controlled": False, "value": reading.value,
                         "status": status, "target": measure.target, "direction": measure.direction,
                         "period": f"{measure.period_from} to {measure.period_to}"})
    return {"commitment": commitment, "measures": measures}


def you_said_we_did() -> list[dict]:
    """Published consultations with participants by age band (counts, no names) and each idea's answer."""
    return [{"consultation": c, "ideas": [{"idea": i, "commitments": list(i.commitments.all())}
                                          for i in c.ideas.all()]}
            for c in Consultation.objects.filter(is_published=True).prefetch_related("ideas__commitments")]
