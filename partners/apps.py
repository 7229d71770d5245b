from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = "Partner data and success measures"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # What partners adds to the platform's shared pages and to `vrp ingest` / `vrp fetch` (the apps below
        # never import partners).
        from core import api_registry
        from insights.command_extensions import IngestFormat, after_police_counts, register_format

        api_registry.register_paths("partners.views.OPENAPI_PATHS")
        api_registry.register_home_part(alerts_part)
        register_format(IngestFormat("stop-and-search", "police.uk stop-and-search CSV (by force and month)",
                                     ingest_stop_search))
        register_format(IngestFormat("outcomes", "police.uk outcomes CSV (by force and month)", ingest_outcomes))
        register_format(IngestFormat("indicator", "OHID Fingertips export or the tidy indicator CSV",
                                     ingest_indicators, _indicator_arguments, reads_files=False))
        after_police_counts(check_alerts)


def alerts_part(request: HttpRequest) -> dict[str, Any]:
    """A partner's new hot spot alerts, for the front page."""
    from core.access import role_of
    from core.roles import Role

    if role_of(request.user) != Role.PARTNER:
        return {}
    from partners.services.alerts import alerts_for

    return {"alerts": alerts_for(request.user, newest_only=True)}


def _indicator_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--format", choices=["fingertips", "tidy"], default="fingertips")
    parser.add_argument("--unit", default="", help="the unit of the values, e.g. 'per 100,000'")
    parser.add_argument("--publisher", default="", help="who publishes the figures")
    parser.add_argument("--measure", default="", choices=["", "hospital_admissions", "knife_violence", "homicide"],
                        help="the Home Office success measure these indicators give")
    parser.add_argument("--skip-other-areas", action="store_true",
                        help="leave out rows for areas outside the loaded geography (e.g. a Fingertips export of "
                             "every local authority in England) instead of refusing the file")


def ingest_indicators(options: dict[str, Any]) -> Any:
    """``vrp ingest indicator``: OHID Fingertips exports or the tidy indicator CSV, into the partners' tables."""
    from partners.services.indicators import ingest_indicators as ingest

    return ingest(options["paths"], options["format"], "cli", options["unit"], options["publisher"],
                  options["measure"], options["skip_other_areas"])


def ingest_stop_search(options: dict[str, Any], **common: Any) -> Any:
    """``vrp ingest stop-and-search``: police.uk stop-and-search CSVs."""
    from partners.services.stop_search import ingest_stop_search as ingest

    return ingest(options["paths"], **common)


def ingest_outcomes(options: dict[str, Any], **common: Any) -> Any:
    """``vrp ingest outcomes``: police.uk outcomes CSVs."""
    from partners.services.stop_search import ingest_outcomes as ingest

    return ingest(options["paths"], **common)


def check_alerts(actor: str) -> str | None:
    """After police counts land: the hot spot alert check, and how many new alerts it raised."""
    from partners.services.alerts import check_after_ingest

    new = check_after_ingest(actor)
    return f"{len(new)} new hot spot alerts for partners' areas" if new else None
