"""The parsers that read outside data, as fuzz targets shared by the hypothesis tests and atheris.

Each target has a valid sample (built from the real public files in ../shared/data where the format has
one), a file name, and how to run the parser on a file: it returns on success and raises ``InputRejected``
on a rejection. ``problems_of`` runs one and answers None (landed) or the problems (rejected);
``counted_state`` is what a rejection must leave unchanged.
"""

import gzip
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings

from core.problems import InputRejected, Problem

#: Tables that record rejections themselves (the audit log, rejected ingest batches, import history).
JOURNALS = {"core.auditentry", "insights.ingestbatch", "insights.ingestfile", "geography.geographyimport"}
PROJECT_APPS = ("core", "geography", "insights", "commissioning", "monitoring", "evidence", "incidents", "reports",
                "places", "engagement")


def _head(path: Path, lines: int = 30) -> bytes:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        return b"".join(handle.readline() for _ in range(lines))


def _police_uk(shared: Path) -> bytes:
    return _head(shared / "police-uk/street/2024-01-city-of-london-street.csv.gz")


def _police_api(shared: Path) -> bytes:
    records = json.loads(gzip.decompress((shared / "police-uk/api/wm_street_crimes_2018-06_api_raw.json.gz")
                                         .read_bytes()))
    return json.dumps(records[:5]).encode()


def _istv(_: Path) -> bytes:
    return (b"treatment_site,arrival_datetime,incident_datetime,assault_method,location_type,incident_lsoa,age,sex\n"
            b"RRK97,2024-01-05 22:00,,body part,home,E01000002,30,female\n"
            b"RRK97,2024-01-05 23:10,2024-01-05 22:40,knife,street,E01000001,17,male\n"
            b"RRK15,2024-01-06 01:10,,blunt object,licensed premises,,24,male\n")


def _threesixty_json(_: Path) -> bytes:
    return json.dumps({"grants": [{
        "id": "360G-fuzz-1", "title": "Mentoring", "description": "Mentoring for young people.", "currency": "GBP",
        "amountAwarded": 10000, "awardDate": "2024-03-01",
        "recipientOrganization": [{"id": "GB-CHC-1000001", "name": "Youth Trust"}],
        "fundingOrganization": [{"id": "GB-GOV-1", "name": "West Midlands VRP"}]}]}).encode()


def _threesixty_csv(_: Path) -> bytes:
    return (b"Identifier,Title,Description,Currency,Amount Awarded,Award Date,Recipient Org:Identifier,"
            b"Recipient Org:Name,Funding Org:Identifier,Funding Org:Name\n"
            b"360G-fuzz-2,Boxing,Boxing club for young people.,GBP,5000,2024-05-01,GB-CHC-1000002,Ring CIC,"
            b"GB-GOV-1,West Midlands VRP\n")


def _returns(_: Path) -> bytes:
    return (b"project,period_start,measure,age_band,sex,participation,value\n"
            b"P-FUZZ,2024-04-01,young_people,10_17,female,new,12\n"
            b"P-FUZZ,2024-04-01,young_people,18_24,male,continuing,4\n"
            b"P-FUZZ,2024-04-01,professionals_trained,,,,3\n")


def _open_referral(_: Path) -> bytes:
    return json.dumps({"contents": [{
        "id": str(uuid.UUID(int=1)), "name": "Friday club", "description": "Games.", "status": "active",
        "organization": {"id": str(uuid.UUID(int=2)), "name": "Youth club"},
        "service_at_locations": [{"location": {"name": "Hall", "latitude": 52.48, "longitude": -1.89}}]}]}).encode()


def _gias(_: Path) -> bytes:
    return ("URN,EstablishmentName,EstablishmentStatus (name),PhaseOfEducation (name),LA (code),LA (name),"
            "NumberOfPupils,PercentageFSM,Easting,Northing,LSOA (code)\n"
            "999001,St Mary’s Primary,Open,Primary,330,Birmingham,210,31.5,406821,288242,E01034929\n"
            "999003,Hill Academy,Open,Secondary,330,Birmingham,1010,40.1,407821,287242,E01034930\n").encode("cp1252")


def _projects(_: Path) -> bytes:
    return (b"identifier,title,description,provider,funder,amount_awarded,award_date,theme,area_codes\n"
            b"P-SHEET,Mentoring,Weekly mentoring.,Youth Trust,West Midlands VRP,10000,2024-03-01,sport,E08000025\n")


def _harm(_: Path) -> bytes:
    return (b"crime_type,weight\nViolence and sexual offences,120.5\nRobbery,390\nPossession of weapons,20\n"
            b"Anti-social behaviour,0\n")


def _pdf(_: Path) -> bytes:
    from core.testing.documents import pdf_with_text

    return pdf_with_text("Mentoring in schools: an evaluation")


def _docx(_: Path) -> bytes:
    from core.testing.documents import docx_with_text

    return docx_with_text("Mentoring in schools", "An evaluation of one year's delivery.")


def _geojson(_: Path) -> bytes:
    return b'{"type": "LineString", "coordinates": [[-1.89, 52.48], [-1.885, 52.4805], [-1.88, 52.481]]}'


def _gpx(_: Path) -> bytes:
    return (b'<?xml version="1.0"?><gpx version="1.1" creator="fuzz"><trk><trkseg>'
            b'<trkpt lat="52.48" lon="-1.89"/><trkpt lat="52.4805" lon="-1.885"/><trkpt lat="52.481" lon="-1.88"/>'
            b"</trkseg></trk></gpx>")


def _no_context() -> dict:
    return {}


def _provider_project() -> dict:
    from core.testing.factories import organisation, project

    return {"project": project("P-FUZZ", provider=organisation("Fuzz provider"))}


def _evidence_item() -> dict:
    from evidence.models import EvidenceItem
    from evidence.services.items import save_item

    return {"item": save_item("fuzz", EvidenceItem(title="Fuzzed", summary="s", kind="toolkit"))}


def _route_form(path: Path, _: dict) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from places.forms import RouteForm

    form = RouteForm({"name": "Fuzzed route", "start_date": "2024-09-01", "days": "Mon-Fri",
                      "chaperone_shifts_per_week": "4", "children_walking": "30"},
                     {"line_file": SimpleUploadedFile(path.name, path.read_bytes())})
    if not form.is_valid():
        raise InputRejected([Problem("form", " ".join(errors), column=name) for name, errors in form.errors.items()])


def _run_police_uk(path: Path, _: dict) -> None:
    from insights.ingest.police_uk import ingest_police_uk

    # Damaged copies of one month land one after another: a later, smaller one replacing an earlier one is what
    # --replace-smaller allows (the guard itself is tested in insights/tests/test_ingest_guards.py).
    ingest_police_uk([path], replace_smaller=True)


def _run_police_api(path: Path, _: dict) -> None:
    from insights.ingest.police_api import ingest_police_api

    ingest_police_api([path], force="west-midlands")


def _run_ed(path: Path, _: dict) -> None:
    from insights.ingest.ed import ingest_ed

    ingest_ed([path])


def _run_lookup(path: Path, _: dict) -> None:
    from geography.services.lookups import import_lookup

    import_lookup(path)


def _run_population(path: Path, _: dict) -> None:
    from geography.services.population import import_population

    import_population(path)


def _run_deprivation(path: Path, _: dict) -> None:
    from geography.services.deprivation import import_deprivation

    import_deprivation(path)


def _run_threesixty(path: Path, _: dict) -> None:
    from commissioning.services.threesixty import import_360giving

    import_360giving(path, "fuzz", theme="sport")


def _run_returns(path: Path, context: dict) -> None:
    from monitoring.services.returns import upload_returns

    upload_returns("fuzz", path, path.name, [context["project"]])


def _run_open_referral(path: Path, _: dict) -> None:
    from places.services.directory import import_oruk_file

    import_oruk_file(path, "fuzz")


def _run_schools(path: Path, _: dict) -> None:
    from places.services.schools import import_schools

    import_schools(path)


def _run_postcodes(path: Path, _: dict) -> None:
    from places.services.postcodes import load_postcodes

    load_postcodes(path)


def _run_projects(path: Path, _: dict) -> None:
    from commissioning.services.projects import import_project_rows, read_project_file

    import_project_rows(read_project_file(path), "fuzz", path.name)


def _run_harm(path: Path, _: dict) -> None:
    from insights.query.harm import import_harm_weights

    import_harm_weights("css", path, "fuzz")


def _run_attachment(path: Path, context: dict) -> None:
    from evidence.services.items import add_attachment

    add_attachment("fuzz", context["item"], path.name, path.read_bytes())


def _eventbrite(_: Path) -> bytes:
    return (b"Order #,Order Date,First Name,Last Name,Email,Quantity,Ticket Type,Attendee #,Order Type,"
            b"Attendee Status,Job Title,Company,Sector\n"
            b"81234567,2025-05-02 09:14:22+01:00,Ann,Lee,ann@example.org,1,Free,11201,Free Order,Attending,Teacher,"
            b"Hill School,Education\n"
            b"81234568,2025-05-03 10:00:00+01:00,Bo,Li,bo@example.org,1,Free,11202,Free Order,Not Attending,Nurse,"
            b"Easton NHS,NHS\n")


def _attendance(_: Path) -> bytes:
    # Rows for the session the target prepares (a damaged row could otherwise create a session the sample
    # then contradicts); the session columns are in the header, blank, and parsed all the same.
    return (b"session,date,course,organisation,local_authority,attendee,name,email,sector,role,age_band,sex,count\n"
            b"FZ-S,,,,,professional,Ann Lee,ann@example.org,education,teacher,,,\n"
            b"FZ-S,2025-05-14,fuzz-course,,,young_people,,,,,10_17,female,14\n"
            b"FZ-S,,,,,parents_carers,,,,,25_plus,male,3\n")


def _feedback(_: Path) -> bytes:
    return b"session,respondent,competency,before,after\nFZ-S,1,1.1,2,4\nFZ-S,1,1.2,3,3\nFZ-S,2,1.1,1,5\n"


def _training_session() -> dict:
    from datetime import date

    from core.testing.engagement import course, session
    from core.testing.factories import organisation

    provider = organisation("Fuzz Provider")
    return {"session": session(date(2025, 5, 14), org=provider, reference="FZ-S",
                               course=course("fuzz-course", competencies=["1.1", "1.2"]))}


def _run_eventbrite(path: Path, context: dict) -> None:
    from engagement.services.imports import import_attendance

    import_attendance("fuzz", path, path.name, "eventbrite", session=context["session"])


def _run_attendance(path: Path, _: dict) -> None:
    from engagement.services.imports import import_attendance

    import_attendance("fuzz", path, path.name, "csv")


def _run_feedback(path: Path, _: dict) -> None:
    from engagement.services.feedback import import_feedback

    import_feedback("fuzz", path, path.name)


@dataclass(frozen=True)
class Target:
    file_name: str
    sample: Callable[[Path], bytes]
    run: Callable[[Path, dict], Any]
    prepare: Callable[[], dict] = field(default=_no_context)


TARGETS: dict[str, Target] = {
    "police_uk_csv": Target("2024-01-city-of-london-street.csv", _police_uk, _run_police_uk),
    "police_api_json": Target("west-midlands-2018-06.json", _police_api, _run_police_api),
    "istv_csv": Target("istv-2024-01.csv", _istv, _run_ed),
    "ons_lookup": Target("lookup_lsoa21_ward24_ltla24.csv",
                         lambda s: _head(s / "geography/lookup_lsoa21_ward24_ltla24.csv.gz"), _run_lookup),
    "ons_population": Target("TS001_usual_residents_LSOA2021.csv",
                             lambda s: _head(s / "population/TS001_usual_residents_LSOA2021.csv.gz"), _run_population),
    "ons_deprivation": Target("imd2025_england_lsoa21.csv",
                              lambda s: _head(s / "deprivation/imd2025_england_lsoa21.csv.gz"), _run_deprivation),
    "threesixty_json": Target("grants.json", _threesixty_json, _run_threesixty),
    "threesixty_csv": Target("grants.csv", _threesixty_csv, _run_threesixty),
    "provider_returns_csv": Target("returns.csv", _returns, _run_returns, _provider_project),
    "open_referral_json": Target("services.json", _open_referral, _run_open_referral),
    "gias_schools": Target("edubasealldata20250524.csv", _gias, _run_schools),
    "postcodes": Target("postcodes.csv", lambda s: _head(s / "postcodes/wm_postcodes.csv.gz"), _run_postcodes),
    "project_spreadsheet": Target("projects.csv", _projects, _run_projects),
    "harm_weights": Target("css-weights.csv", _harm, _run_harm),
    "evidence_pdf": Target("evaluation.pdf", _pdf, _run_attachment, _evidence_item),
    "evidence_docx": Target("evaluation.docx", _docx, _run_attachment, _evidence_item),
    "route_geojson": Target("route.geojson", _geojson, _route_form),
    "route_gpx": Target("route.gpx", _gpx, _route_form),
    "eventbrite_attendees": Target("eventbrite-attendee-summary.csv", _eventbrite, _run_eventbrite, _training_session),
    "attendance_csv": Target("attendance.csv", _attendance, _run_attendance, _training_session),
    "feedback_csv": Target("feedback.csv", _feedback, _run_feedback, _training_session),
}


def problems_of(target: Target, path: Path, context: dict) -> list[Problem] | None:
    """Run the target's parser on ``path``: None if it landed, its problems if it was rejected."""
    try:
        target.run(path, context)
    except InputRejected as rejected:
        return rejected.problems
    return None


def rejection_fault(target: Target, problems: list[Problem], before: dict[str, Any]) -> str | None:
    """What is wrong with a rejection, or None: it must say what was wrong, name the file (a form names
    its fields), and leave what is stored (``before``, from ``counted_state``) as it was."""
    if not problems or not all(p.file and p.message.strip() for p in problems):
        return f"a rejection that does not say what was wrong: {problems!r}"
    if not any(p.file == "form" or target.file_name in p.file for p in problems):
        return f"a rejection that does not name the file: {problems!r}"
    if counted_state() != before:
        return "a rejected input changed what is stored"
    return None


def counted_state() -> dict[str, Any]:
    """Rows in every table but the journals, and the data files of the warehouse and of stored attachments."""
    state: dict[str, Any] = {}
    for app in PROJECT_APPS:
        for model in apps.get_app_config(app).get_models():
            if model._meta.label_lower not in JOURNALS:
                state[model._meta.label_lower] = model.objects.count()
    data_dir = Path(settings.VRP_DATA_DIR)
    state["files"] = sorted(str(p.relative_to(data_dir)) for folder in ("warehouse", "evidence")
                            if (data_dir / folder).exists() for p in (data_dir / folder).rglob("*")
                            if p.is_file() and not p.name.startswith("."))  # not the ingest lock
    return state
