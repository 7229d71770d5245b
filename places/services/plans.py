"""Writing schools' prevention plans: a plan for a year, its interventions, and marking one delivered.

Each write runs in a transaction with its audit entry, so a plan and the record of who made it land together.
"""

from typing import TYPE_CHECKING

from django.db import transaction

from core import audit
from core.audit import Actor
from places.models import PlanItem, PreventionPlan, School

if TYPE_CHECKING:
    from incidents.models import Incident


class PlanExists(ValueError):
    """The school already has a plan for that academic year (one plan a year)."""


@transaction.atomic
def create_plan(actor: Actor, plan: PreventionPlan, school: School, incident: "Incident | None") -> PreventionPlan:
    """Save a new plan (validated by the plan form) for ``school``, citing the incident it follows if any.

    Raises ``PlanExists`` when the school has a plan for that year already.
    """
    if PreventionPlan.objects.filter(school=school, academic_year=plan.academic_year).exists():
        raise PlanExists("This school already has a plan for that year.")
    plan.school, plan.incident = school, incident
    plan.save()
    audit.record(actor, "create", plan)
    return plan


@transaction.atomic
def add_plan_item(actor: Actor, plan: PreventionPlan, item: PlanItem) -> PlanItem:
    """Add an intervention (validated by the item form) to ``plan``."""
    item.plan = plan
    item.save()
    audit.record(actor, "create", item, summary=f"{plan}: {item}")
    return item


@transaction.atomic
def mark_delivered(actor: Actor, item: PlanItem) -> PlanItem:
    """Record that a plan's intervention was delivered."""
    item.status = PlanItem.Status.DELIVERED
    item.save(update_fields=["status"])
    audit.record(actor, "update", item, summary=f"{item.plan}: {item} delivered")
    return item
