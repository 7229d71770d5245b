"""The roles people hold on the platform (DESIGN.md "Security"), and the groups of them pages allow.

A page or service names one of these groups rather than listing roles itself, so who may do what is read
in one place. Administrators belong to every staff group.
"""

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

#: Analysts: write evidence, stories and reports, and run the analyses.
ANALYSTS = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
#: Commissioners: manage projects, funders and the strategy, and review providers' returns.
COMMISSIONERS = frozenset({Role.COMMISSIONER, Role.ADMINISTRATOR})
#: Incident coordinators: open incidents and run the response.
COORDINATORS = frozenset({Role.INCIDENT_COORDINATOR, Role.ADMINISTRATOR})
#: Analysts and commissioners: impact, roll-ups and reach in full; moderate the services directory.
ANALYSTS_AND_COMMISSIONERS = ANALYSTS | COMMISSIONERS
#: The partnership's own staff: every organisation's records and counts in full.
STAFF = ANALYSTS | COMMISSIONERS | COORDINATORS
#: Partners and staff: the partner edition of figures, stories and evidence (partners for their own areas).
PARTNERS_AND_STAFF = STAFF | {Role.PARTNER}
#: Providers and commissioners: monitoring returns (providers their own).
PROVIDERS_AND_COMMISSIONERS = COMMISSIONERS | {Role.PROVIDER}
#: Providers, partners and commissioners: record training sessions, attendance and feedback (providers and
#: partners for their own organisation only).
PROVIDERS_PARTNERS_AND_COMMISSIONERS = COMMISSIONERS | SCOPED_ROLES
#: Those who record sessions, and analysts: see sessions and events (providers and partners their own).
PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS = PROVIDERS_PARTNERS_AND_COMMISSIONERS | ANALYSTS
#: Incident coordinators, and the partners and providers involved in an incident's response (their own).
COORDINATORS_PARTNERS_AND_PROVIDERS = COORDINATORS | SCOPED_ROLES
#: Partners and analysts: hot spot alerts (partners for their own organisation's areas).
PARTNERS_AND_ANALYSTS = ANALYSTS | {Role.PARTNER}
