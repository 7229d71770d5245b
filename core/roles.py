"""The roles people hold on the platform (DESIGN.md "Security")."""

from django.db import models


class Role(models.TextChoices):
    PUBLIC = "public", "Public"
    PROVIDER = "provider", "Provider"
    PARTNER = "partner", "Partner"
    ANALYST = "analyst", "Data and insights analyst"
    COMMISSIONER = "commissioner", "Commissioner"
    INCIDENT_COORDINATOR = "incident_coordinator", "Incident coordinator"
    ADMINISTRATOR = "administrator", "Administrator"


#: Roles whose holders see only their own organisation's records and areas.
SCOPED_ROLES = frozenset({Role.PROVIDER, Role.PARTNER})
#: Every signed-in role.
SIGNED_IN = frozenset(Role) - {Role.PUBLIC}
EVERYONE = frozenset(Role)
