"""Who may see which projects' returns: providers their own organisation's, commissioners and admins all."""

from django.db.models import QuerySet

from commissioning.models import Project
from core.access import Viewer, role_of
from core.roles import COMMISSIONERS, Role


def projects_in_scope(user: Viewer) -> QuerySet[Project]:
    """The projects whose returns ``user`` may see: none unless provider (own) or reviewer (all)."""
    role = role_of(user)
    projects = Project.objects.select_related("provider", "funder", "programme")
    if role in COMMISSIONERS:
        return projects
    if role is Role.PROVIDER and getattr(user, "organisation_id", None):
        return projects.filter(provider_id=user.organisation_id)
    return projects.none()


def may_review(user: Viewer) -> bool:
    return role_of(user) in COMMISSIONERS


def may_edit(user: Viewer, project: Project) -> bool:
    """Providers write their own organisation's returns (administrators may correct any)."""
    role = role_of(user)
    return role is Role.ADMINISTRATOR or (role is Role.PROVIDER and user.organisation_id == project.provider_id)
