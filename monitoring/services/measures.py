"""Writing a project's outcome measures: what its returns must report beyond the standard figures."""

from django.db import transaction

from commissioning.models import Project
from core import audit
from core.audit import Actor
from monitoring.models import OutcomeMeasure


class MeasureExists(ValueError):
    """The project already has a measure with that name (names are unique within a project)."""


@transaction.atomic
def add_outcome_measure(actor: Actor, project: Project, measure: OutcomeMeasure) -> OutcomeMeasure:
    """Add a measure (name, unit, target; validated by its form) to ``project``.

    Raises ``MeasureExists`` when the project has a measure of that name already.
    """
    if project.outcome_measures.filter(name=measure.name).exists():
        raise MeasureExists("This project already has a measure with that name.")
    measure.project = project
    measure.save()
    audit.record(actor, "create", measure, summary=f"{project.identifier}: {measure}")
    return measure
