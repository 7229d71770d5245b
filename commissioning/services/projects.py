"""Writing projects: one project from a form, or a whole spreadsheet of them, validated and saved at once.

A spreadsheet row is a plain dict keyed by ``PROJECT_COLUMNS`` (the same columns the project download
has, so a download edited and uploaded again is an import). Every problem is named by file, line and
column before anything is written; then all rows land in one transaction, or none do. Importing the same
rows again changes nothing and writes no audit entries.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict

from commissioning.models import DeliveryLocation, Funder, Programme, Project, Theme
from core import audit
from core.audit import Actor
from core.models import Organisation
from core.problems import InputRejected, Problem

PROJECT_COLUMNS = [
    "identifier", "external_id", "title", "description", "provider", "provider_org_identifier", "funder",
    "funder_org_identifier", "programme_code", "programme_title", "amount_awarded", "currency", "award_date",
    "planned_start", "planned_end", "theme", "target_cohort", "age_from", "age_to", "area_codes", "status",
    "published", "return_period_months", "delivery_locations",
]
REQUIRED_COLUMNS = ("identifier", "title", "description", "provider", "funder", "amount_awarded", "award_date",
                    "theme")
#: Fields compared to decide whether an import changes a project.
COMPARED_FIELDS = ["external_id", "title", "description", "provider", "funder", "programme", "amount_awarded",
                   "currency", "award_date", "planned_start", "planned_end", "theme", "target_cohort", "age_from",
                   "age_to", "area_codes", "status", "is_published", "return_period_months"]
TRUE_WORDS = {"yes", "y", "true", "1", "published"}
FALSE_WORDS = {"no", "n", "false", "0", "", "unpublished"}


@dataclass
class ProjectInput:
    """One project as read from a row, before it is matched to organisations and saved."""

    line: int | None
    identifier: str
    fields: dict[str, Any]
    provider: dict[str, str]
    funder: dict[str, str]
    programme: dict[str, str] | None
    locations: list[tuple[str, float, float]] | None = None


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} projects created, {self.updated} updated, {self.unchanged} unchanged"


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD (a time part, as spreadsheets add, is ignored) or DD/MM/YYYY."""
    text = text.strip()
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$", text) or None
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = re.match(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", text)
    if match:
        return date(int(match[3]), int(match[2]), int(match[1]))
    raise ValueError(f"{text!r} is not a date; write it as YYYY-MM-DD")


def parse_amount(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "").lstrip("£")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{text!r} is not an amount; write digits only, e.g. 25000 or 25000.50") from None
    if not amount.is_finite() or amount < 0 or amount >= Decimal("1e10"):
        raise ValueError(f"{text!r} is not an amount between 0 and 9,999,999,999")
    return amount.quantize(Decimal("0.01"))


def parse_choice(text: str, choices: type, column: str) -> str:
    wanted = text.strip().lower()
    for value, label in choices.choices:
        if wanted in (str(value).lower(), str(label).lower()):
            return value
    options = ", ".join(str(label) for _, label in choices.choices)
    raise ValueError(f"{text!r} is not a {column}; use one of: {options}")


def parse_locations(text: str) -> list[tuple[str, float, float]]:
    """Places as ``name, latitude, longitude``, one per line or separated by semicolons."""
    places = []
    for part in re.split(r"[;\n]", text):
        if not part.strip():
            continue
        pieces = [p.strip() for p in part.rsplit(",", 2)]
        try:
            name, latitude, longitude = pieces[0], float(pieces[1]), float(pieces[2])
        except (IndexError, ValueError):
            raise ValueError(f"{part.strip()!r} is not 'name, latitude, longitude'") from None
        if not (49.0 <= latitude <= 61.0 and -8.7 <= longitude <= 2.0):
            raise ValueError(f"{part.strip()!r}: the point is not in the UK (latitude first, then longitude)")
        if not name:
            raise ValueError(f"{part.strip()!r}: give the place a name")
        places.append((name, latitude, longitude))
    return places


def format_locations(locations: list[DeliveryLocation]) -> str:
    return "; ".join(f"{loc.name}, {loc.latitude:.6f}, {loc.longitude:.6f}" for loc in locations)


#: A form field the row's column is checked by, where the names differ.
FORM_FIELD_COLUMNS = {"is_published": "published", "area_codes_text": "area_codes"}


def read_project_row(row: dict[str, str], line: int | None, file_name: str) -> tuple[ProjectInput | None,
                                                                                      list[Problem]]:
    """Parse one spreadsheet row; returns the project and the problems found (file, line, column).

    The spreadsheet's own spellings (DD/MM/YYYY dates, "£25,000", theme labels, yes/no) are read here;
    every value is then checked by ``ProjectRowForm``, the project page's form, so a row and the page
    accept the same projects.
    """
    from commissioning.forms import ProjectRowForm  # the forms module imports this one's parsers

    problems: list[Problem] = []
    value = {k: (row.get(k) or "").strip() for k in PROJECT_COLUMNS}
    given = set(row)

    def fail(column: str, message: str) -> None:
        problems.append(Problem(file_name, message, line=line, column=column))

    for column in ("provider", "funder"):  # named in the row, so not fields of the form
        if not value[column]:
            fail(column, "This field is required.")
    # Long free text is cut rather than refused: 360Giving titles and cohorts from other funders run long.
    data: dict[str, Any] = {"identifier": value["identifier"], "title": value["title"][:200],
                            "description": value["description"], "external_id": value["external_id"][:200],
                            "currency": (value["currency"] or "GBP").upper(),
                            "target_cohort": value["target_cohort"][:300],
                            "age_from": value["age_from"], "age_to": value["age_to"],
                            "area_codes_text": value["area_codes"], "delivery_locations": value["delivery_locations"],
                            "status": Project._meta.get_field("status").default,
                            "return_period_months": value["return_period_months"] or str(
                                Project._meta.get_field("return_period_months").default)}
    readers = {
        "amount_awarded": parse_amount,
        "award_date": parse_date,
        "planned_start": parse_date,
        "planned_end": parse_date,
        "theme": lambda t: parse_choice(t, Theme, "theme"),
        "status": lambda t: parse_choice(t, Project.Status, "status"),
    }
    for column, read in readers.items():
        if not value[column]:
            continue
        try:
            data[column] = read(value[column])
        except ValueError as exc:
            fail(column, str(exc))
    published = value["published"].lower()
    if published not in TRUE_WORDS | FALSE_WORDS:
        fail("published", f"{value['published']!r} is not yes or no")
    data["is_published"] = published in TRUE_WORDS
    form = ProjectRowForm(data)
    read_already = {p.column for p in problems}
    for field, messages in form.errors.items():
        column = FORM_FIELD_COLUMNS.get(field, field)
        if column not in read_already:
            problems.extend(Problem(file_name, m, line=line, column=column) for m in messages)
    if problems:
        return None, problems
    cleaned = form.cleaned_data
    # A column the row does not have keeps the project's value; a blank cell in a given column clears it.
    fields: dict[str, Any] = {name: cleaned[name] for name in ("title", "description", "currency",
                                                               "amount_awarded", "award_date", "theme")}
    for name in ("target_cohort", "external_id", "planned_start", "planned_end", "age_from", "age_to",
                 "status", "return_period_months"):
        if name in given and (value[name] or name not in ("status", "return_period_months")):
            fields[name] = cleaned[name]
    if "area_codes" in given:
        fields["area_codes"] = cleaned["area_codes_text"]
    if "published" in given:
        fields["is_published"] = cleaned["is_published"]
    locations = cleaned["delivery_locations"] if "delivery_locations" in given else None
    programme = None
    if value["programme_code"] or value["programme_title"]:
        code = value["programme_code"] or _code_from(value["programme_title"])
        programme = {"code": code, "title": value["programme_title"] or code}
    return ProjectInput(
        line=line, identifier=value["identifier"], fields=fields,
        provider={"name": value["provider"], "org_identifier": value["provider_org_identifier"]},
        funder={"name": value["funder"], "org_identifier": value["funder_org_identifier"]},
        programme=programme, locations=locations,
    ), []


def _code_from(title: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:60] or "programme"


def validate_project_rows(rows: list[tuple[int | None, dict[str, str]]], file_name: str,
                          defaults: dict[str, Any] | None = None) -> tuple[list[ProjectInput], list[Problem]]:
    """Parse every row; returns the projects read and every problem found (nothing is written)."""
    inputs, problems, seen = [], [], {}
    for line, row in rows:
        filled = {**{k: str(v) for k, v in (defaults or {}).items()}, **{k: v for k, v in row.items() if v}}
        filled.update({k: "" for k, v in row.items() if not v and k not in (defaults or {})})
        project, row_problems = read_project_row(filled, line, file_name)
        problems.extend(row_problems)
        if project is None:
            continue
        if project.identifier in seen:
            problems.append(Problem(file_name, f"the identifier {project.identifier!r} is also on line "
                                    f"{seen[project.identifier]}", line=line, column="identifier"))
        seen[project.identifier] = line
        inputs.append(project)
    if not rows:
        problems.append(Problem(file_name, "there are no projects in the file"))
    return inputs, problems


def import_project_rows(rows: list[tuple[int | None, dict[str, str]]], actor: Actor, file_name: str,
                        defaults: dict[str, Any] | None = None) -> ImportSummary:
    """Validate every row, then save them all in one transaction (or nothing, raising InputRejected).

    ``rows`` pairs each row's file line with its cells; a column left out of a row keeps the project's
    current value, a blank cell clears it. ``defaults`` fills fields a row leaves blank (e.g. a theme for
    grants imported from another funder's 360Giving file).
    """
    inputs, problems = validate_project_rows(rows, file_name, defaults)
    if problems:
        raise InputRejected(problems)
    return _save_inputs(inputs, actor, file_name)


@transaction.atomic
def _save_inputs(inputs: list[ProjectInput], actor: Actor, file_name: str) -> ImportSummary:
    summary = ImportSummary()
    problems = []
    for item in inputs:
        provider = _organisation(item.provider, actor)
        funder = _funder(item.funder, actor)
        programme = _programme(item.programme, funder, actor) if item.programme else None
        project = Project.objects.filter(identifier=item.identifier).first()
        before = _snapshot(project) if project else None
        project = project or Project(identifier=item.identifier)
        for name, new_value in {**item.fields, "provider": provider, "funder": funder,
                                "programme": programme}.items():
            setattr(project, name, new_value)
        try:
            project.full_clean(validate_unique=False)
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                problems.extend(Problem(file_name, m, line=item.line, column=column) for m in messages)
            continue
        locations_changed = item.locations is not None and _location_key(project) != sorted(item.locations)
        if before is not None and before == _snapshot(project) and not locations_changed:
            summary.unchanged += 1
            continue
        project.save()
        if locations_changed or (before is None and item.locations):
            set_locations(project, item.locations)
        audit.record(actor, "create" if before is None else "update", project,
                     changes={"source": file_name} if before is None else
                     {**audit.model_changes(before, _snapshot(project)), "source": file_name})
        if before is None:
            summary.created += 1
        else:
            summary.updated += 1
    if problems:
        transaction.set_rollback(True)
        raise InputRejected(problems)
    return summary


def _snapshot(project: Project) -> dict[str, Any]:
    """The compared fields as JSON-ready values (they go into the audit log's changes)."""
    snapshot = model_to_dict(project, fields=COMPARED_FIELDS)
    snapshot["amount_awarded"] = str(Decimal(project.amount_awarded).quantize(Decimal("0.01")))
    snapshot["area_codes"] = sorted(project.area_codes or [])
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in snapshot.items()}


def _location_key(project: Project) -> list[tuple[str, float, float]]:
    if project.pk is None:
        return []
    return sorted((loc.name, round(loc.latitude, 6), round(loc.longitude, 6)) for loc in project.locations.all())


def set_locations(project: Project, locations: list[tuple[str, float, float]]) -> None:
    """Replace a project's delivery locations, finding the LSOA of each point where boundaries are loaded."""
    from geography.services.locate import lsoa_for_points

    project.locations.all().delete()
    if not locations:
        return
    lsoas = lsoa_for_points([lon for _, _, lon in locations], [lat for _, lat, _ in locations]) or []
    DeliveryLocation.objects.bulk_create([
        DeliveryLocation(project=project, name=name[:200], latitude=round(lat, 6), longitude=round(lon, 6),
                         lsoa_code=(lsoas[i] if i < len(lsoas) else None) or "")
        for i, (name, lat, lon) in enumerate(locations)])


def _organisation(wanted: dict[str, str], actor: Actor) -> Organisation:
    found = None
    if wanted["org_identifier"]:
        found = Organisation.objects.filter(org_identifier=wanted["org_identifier"]).first()
    found = found or Organisation.objects.filter(name=wanted["name"]).first()
    if found is None:
        found = Organisation.objects.create(name=wanted["name"][:200], kind=Organisation.Kind.PROVIDER,
                                            org_identifier=wanted["org_identifier"][:100])
        audit.record(actor, "create", found)
    elif wanted["org_identifier"] and not found.org_identifier:
        found.org_identifier = wanted["org_identifier"][:100]
        found.save(update_fields=["org_identifier"])
    return found


def _funder(wanted: dict[str, str], actor: Actor) -> Funder:
    found = None
    if wanted["org_identifier"]:
        found = Funder.objects.filter(org_identifier=wanted["org_identifier"]).first()
    found = found or Funder.objects.filter(name=wanted["name"]).first()
    if found is None:
        found = Funder.objects.create(name=wanted["name"][:200], org_identifier=wanted["org_identifier"][:100])
        audit.record(actor, "create", found)
    return found


def _programme(wanted: dict[str, str], funder: Funder, actor: Actor) -> Programme:
    found = Programme.objects.filter(code=wanted["code"]).first()
    if found is None:
        found = Programme.objects.create(code=wanted["code"], title=wanted["title"][:200], funder=funder)
        audit.record(actor, "create", found)
    return found


@transaction.atomic
def save_project(actor: Actor, project: Project, locations: list[tuple[str, float, float]] | None = None
                 ) -> Project:
    """Save a project edited in a form (already validated), with its delivery locations, and audit it."""
    before = _snapshot(Project.objects.get(pk=project.pk)) if project.pk else None
    project.save()
    if locations is not None and _location_key(project) != sorted(locations):
        set_locations(project, locations)
    audit.record(actor, "create" if before is None else "update", project,
                 changes={} if before is None else audit.model_changes(before, _snapshot(project)))
    return project


def project_row(project: Project) -> dict[str, str]:
    """A project as one spreadsheet row in ``PROJECT_COLUMNS`` (what the download and the import share)."""
    return {
        "identifier": project.identifier, "external_id": project.external_id, "title": project.title,
        "description": project.description,
        "provider": project.provider.name, "provider_org_identifier": project.provider.org_identifier,
        "funder": project.funder.name, "funder_org_identifier": project.funder.org_identifier,
        "programme_code": project.programme.code if project.programme else "",
        "programme_title": project.programme.title if project.programme else "",
        "amount_awarded": f"{project.amount_awarded:.2f}", "currency": project.currency,
        "award_date": project.award_date.isoformat(),
        "planned_start": project.planned_start.isoformat() if project.planned_start else "",
        "planned_end": project.planned_end.isoformat() if project.planned_end else "",
        "theme": project.get_theme_display(), "target_cohort": project.target_cohort,
        "age_from": "" if project.age_from is None else str(project.age_from),
        "age_to": "" if project.age_to is None else str(project.age_to),
        "area_codes": ";".join(project.area_codes or []), "status": project.get_status_display(),
        "published": "yes" if project.is_published else "no",
        "return_period_months": str(project.return_period_months),
        "delivery_locations": format_locations(list(project.locations.all())),
    }


def read_project_file(path: Path) -> list[tuple[int | None, dict[str, str]]]:
    """Rows of a project spreadsheet (CSV or XLSX, first sheet); headers matched without case or spaces."""
    from geography.tables import read_tables

    table = read_tables(path)[0]
    header = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in table.header]
    unknown = [h for h in header if h and h not in PROJECT_COLUMNS]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InputRejected([Problem(table.source, f"the column {c!r} is missing (found: {', '.join(header)})",
                                     line=1, column=c) for c in missing])
    if unknown:
        raise InputRejected([Problem(table.source, f"unknown column {h!r}; the columns are "
                                     f"{', '.join(PROJECT_COLUMNS)}", line=1, column=h) for h in unknown])
    return [(line, dict(zip(header, row, strict=False))) for line, row in zip(table.lines, table.rows, strict=True)
            if any(cell.strip() for cell in row)]
