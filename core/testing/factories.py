"""Small builders for commissioning and monitoring tests (plain function calls, no fixtures magic)."""

from datetime import date
from decimal import Decimal

from commissioning.models import Funder, Programme, Project
from core.models import Organisation, User
from core.roles import Role


def organisation(name: str = "Provider A", kind: str = "provider", areas: list[str] | None = None) -> Organisation:
    return Organisation.objects.get_or_create(name=name, defaults={"kind": kind, "area_codes": areas or []})[0]


def funder(name: str = "Test VRP") -> Funder:
    return Funder.objects.get_or_create(name=name)[0]


def project(identifier: str = "P-1", provider: Organisation | None = None, **fields) -> Project:
    values = {"title": f"Project {identifier}", "description": "Mentoring for young people.",
              "provider": provider or organisation(), "funder": fields.pop("funder", None) or funder(),
              "amount_awarded": Decimal("10000.00"), "award_date": date(2024, 3, 1),
              "planned_start": date(2024, 4, 1), "planned_end": date(2025, 3, 31), "theme": "sport",
              "is_published": True, "area_codes": ["E08000025"], **fields}
    return Project.objects.create(identifier=identifier, **values)


def programme(code: str = "CIF", title: str = "Community Initiatives Fund") -> Programme:
    return Programme.objects.get_or_create(code=code, defaults={"title": title, "funder": funder()})[0]


def user(role: Role, org: Organisation | None = None, name: str | None = None) -> User:
    return User.objects.create_user(name or f"{role.value}-{org.pk if org else 0}", password="a-long-password-1",
                                    role=role.value, organisation=org)
