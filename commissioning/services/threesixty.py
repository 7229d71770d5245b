"""The 360Giving Data Standard (https://standard.threesixtygiving.org/), out and in.

Export: published projects as a 360Giving JSON package (``{"grants": [...]}``) and as the standard's
spreadsheet form (one row per grant, columns titled as the schema titles them, e.g. ``Recipient Org:Identifier``;
repeated objects numbered, e.g. ``Beneficiary Location:1:Geographic Code``). Import: either form, from any
publisher, through the same validation as a project spreadsheet, all or nothing.

Mapping decisions: a grant identifier is the platform's prefix (``VRP_360GIVING_PREFIX``) plus the project's
own identifier; areas served become ``beneficiaryLocation`` entries with their ONS ``geoCode`` and the
standard's ``geoCodeType`` code; delivery locations become ``beneficiaryLocation`` points; the theme travels as
a classification in the ``vrp-platform:theme`` vocabulary. An organisation with no org-id.guide identifier
gets one made from the prefix (``360G-…-org-name``), which the standard allows.
"""

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from commissioning.models import Project, Theme
from commissioning.services.projects import ImportSummary, import_project_rows, validate_project_rows
from core.audit import Actor
from core.problems import InputRejected, Problem, nul_problems
from geography.codes import level_of
from geography.models import Area

THEME_VOCABULARY = "vrp-platform:theme"
#: ONS entity prefix → the 360Giving geoCodeType codelist code.
GEO_CODE_TYPES = {
    "E01": "LSOA", "W01": "LSOA", "E02": "MSOA", "W02": "MSOA", "E05": "WD", "W05": "WD", "E06": "UA",
    "W06": "UA", "E07": "NMD", "E08": "MD", "E09": "LONB", "E10": "CTY", "E12": "RGN", "E22": "CSP",
    "W22": "CSP", "E23": "PFA", "E14": "WPC", "W07": "WPC",
}
#: The schema's required grant fields and, for the organisation objects, their required fields.
REQUIRED_GRANT_FIELDS = ("id", "title", "description", "currency", "amountAwarded", "awardDate",
                         "recipientOrganization", "fundingOrganization")
REQUIRED_ORGANISATION_FIELDS = ("id", "name")

#: Top-level field → spreadsheet title.
TITLES = {"id": "Identifier", "title": "Title", "description": "Description", "currency": "Currency",
          "amountAwarded": "Amount Awarded", "awardDate": "Award Date", "dateModified": "Last Modified",
          "dataSource": "Data Source"}
#: Array field → (spreadsheet title, numbered?, {field → title}).
ARRAYS = {
    "plannedDates": ("Planned Dates", False, {"startDate": "Start Date", "endDate": "End Date"}),
    "recipientOrganization": ("Recipient Org", False, {"id": "Identifier", "name": "Name"}),
    "fundingOrganization": ("Funding Org", False, {"id": "Identifier", "name": "Name"}),
    "grantProgramme": ("Grant Programme", False, {"code": "Code", "title": "Title"}),
    "beneficiaryLocation": ("Beneficiary Location", True, {
        "name": "Name", "geoCode": "Geographic Code", "geoCodeType": "Geographic Code Type",
        "latitude": "Latitude", "longitude": "Longitude", "description": "Description"}),
    "classifications": ("Classifications", True, {"vocabulary": "Vocabulary", "code": "Code", "title": "Title"}),
}


def grant_prefix() -> str:
    return settings.VRP_360GIVING_PREFIX.rstrip("-")


def org_identifier(organisation: Any) -> str:
    """An organisation's org-id.guide identifier, or one made from the 360Giving prefix and its name."""
    if organisation.org_identifier:
        return organisation.org_identifier
    return f"{grant_prefix()}-org-{re.sub(r'[^a-z0-9]+', '-', organisation.name.lower()).strip('-')}"


def grant_for(project: Project, area_names: dict[str, str]) -> dict[str, Any]:
    """One project as a 360Giving grant object."""
    grant: dict[str, Any] = {
        "id": project.external_id or f"{grant_prefix()}-{project.identifier}",
        "title": project.title, "description": project.description, "currency": project.currency,
        "amountAwarded": float(project.amount_awarded), "awardDate": project.award_date.isoformat(),
        "recipientOrganization": [{"id": org_identifier(project.provider), "name": project.provider.name}],
        "fundingOrganization": [{"id": org_identifier(project.funder), "name": project.funder.name}],
        "classifications": [{"vocabulary": THEME_VOCABULARY, "code": project.theme,
                             "title": project.get_theme_display()}],
        "dateModified": project.updated_at.isoformat(timespec="seconds"),
    }
    dates = {k: v.isoformat() for k, v in (("startDate", project.planned_start), ("endDate", project.planned_end))
             if v}
    if dates:
        grant["plannedDates"] = [dates]
    if project.programme:
        grant["grantProgramme"] = [{"code": project.programme.code, "title": project.programme.title}]
    locations = [{"name": area_names.get(code, code), "geoCode": code,
                  "geoCodeType": GEO_CODE_TYPES.get(code[:3], "")} for code in project.area_codes or []]
    # The standard's latitude and longitude are numbers (360-giving-schema.json), not text.
    locations += [{"name": loc.name, "latitude": round(loc.latitude, 6), "longitude": round(loc.longitude, 6),
                   "description": "Delivery location"} for loc in project.locations.all()]
    if locations:
        grant["beneficiaryLocation"] = locations
    return grant


def export_package(projects: list[Project]) -> dict[str, Any]:
    """The 360Giving JSON package of ``projects`` (the caller passes published projects only)."""
    codes = {code for p in projects for code in p.area_codes or []}
    names = dict(Area.objects.filter(code__in=codes).values_list("code", "name"))
    return {"grants": [grant_for(p, names) for p in projects]}


def flatten(grant: dict[str, Any]) -> dict[str, Any]:
    """A grant as one spreadsheet row keyed by the standard's column titles."""
    row: dict[str, Any] = {}
    for key, title in TITLES.items():
        if key in grant:
            row[title] = grant[key]
    for key, (title, numbered, fields) in ARRAYS.items():
        for index, item in enumerate(grant.get(key, [])):
            if not numbered and index > 0:
                break
            for field, field_title in fields.items():
                if field in item:
                    row[f"{title}:{index}:{field_title}" if numbered else f"{title}:{field_title}"] = item[field]
    return row


def spreadsheet_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Columns in the standard's order: top-level fields, then each array's fields, numbered ones in order."""
    present = {c for row in rows for c in row}
    columns = [t for t in TITLES.values() if t in present]
    for title, numbered, fields in ARRAYS.values():
        if not numbered:
            columns += [f"{title}:{f}" for f in fields.values() if f"{title}:{f}" in present]
            continue
        count = max((int(c.split(":")[1]) + 1 for c in present if c.startswith(title + ":")), default=0)
        columns += [f"{title}:{i}:{f}" for i in range(count) for f in fields.values()
                    if f"{title}:{i}:{f}" in present]
    return columns


def write_xlsx(package: dict[str, Any], target: Any) -> None:
    """Write the package as the 360Giving spreadsheet form (one ``grants`` sheet) to a path or file object."""
    import openpyxl

    from core.render import xlsx_row

    rows = [flatten(g) for g in package["grants"]]
    columns = spreadsheet_columns(rows)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("grants")
    sheet.append(xlsx_row(sheet, columns))
    for row in rows:
        # Text from an imported file (a title of "=HYPERLINK(...)") is written as text, never as a formula.
        sheet.append(xlsx_row(sheet, [row.get(c) for c in columns]))
    workbook.save(target)


def unflatten(row: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """A spreadsheet row back into a grant object; also returns the columns it did not recognise."""
    by_title = {t.lower(): k for k, t in TITLES.items()}
    arrays = {t.lower(): (k, {ft.lower(): f for f, ft in fields.items()}) for k, (t, _, fields) in ARRAYS.items()}
    grant: dict[str, Any] = {}
    unknown = []
    for column, cell in row.items():
        text = "" if cell is None else str(cell).strip()
        parts = [p.strip().lower() for p in column.split(":")]
        if len(parts) == 1 and parts[0] in by_title:
            if text:
                grant[by_title[parts[0]]] = text
            continue
        if len(parts) in (2, 3) and parts[0] in arrays and (len(parts) == 2 or parts[1].isdecimal()):
            key, fields = arrays[parts[0]]
            if parts[-1] in fields:
                index = int(parts[1]) if len(parts) == 3 else 0
                items = grant.setdefault(key, [])
                while len(items) <= index:
                    items.append({})
                if text:
                    items[index][fields[parts[-1]]] = text
                continue
        unknown.append(column)
    for key in list(grant):
        if isinstance(grant[key], list):
            grant[key] = [item for item in grant[key] if item]
    return grant, unknown


def read_grants(path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The grants in a 360Giving JSON package or spreadsheet, each with where it is (for error messages)."""
    name = path.name
    if name.lower().endswith(".json"):
        try:
            package = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
            raise InputRejected([Problem(name, f"is not valid JSON: {exc}")]) from exc
        if nul_problems(package, name):
            raise InputRejected(nul_problems(package, name))
        grants = package.get("grants") if isinstance(package, dict) else None
        if not isinstance(grants, list):
            raise InputRejected([Problem(name, "a 360Giving JSON file holds a 'grants' list at its top level")])
        return [(f"grants[{i}]", g) for i, g in enumerate(grants)]
    from geography.tables import read_tables

    tables = read_tables(path)
    table = next((t for t in tables if t.source.lower().endswith("[grants]")), tables[0])
    found = []
    for line, cells in zip(table.lines, table.rows, strict=True):
        if not any(c.strip() for c in cells):
            continue
        grant, unknown = unflatten(dict(zip(table.header, cells, strict=False)))
        found.append((f"line {line}", grant))
    return found


def check_grant(grant: Any, where: str, file_name: str) -> list[Problem]:
    """The schema's required fields and types for one grant (the rules the test also checks exports by)."""
    if not isinstance(grant, dict):
        return [Problem(file_name, f"{where}: a grant must be an object")]
    problems = [Problem(file_name, f"{where}: the required field {TITLES.get(f, f)!r} is missing", column=f)
                for f in REQUIRED_GRANT_FIELDS if grant.get(f) in (None, "", [])]
    for key in ("recipientOrganization", "fundingOrganization"):
        items = grant.get(key)
        if items in (None, "", []):
            continue
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            problems.append(Problem(file_name, f"{where}: {key} must be a list of organisations", column=key))
            continue
        problems += [Problem(file_name, f"{where}: {ARRAYS[key][0]}:{ARRAYS[key][2][f]} is missing",
                             column=f"{key}/0/{f}") for f in REQUIRED_ORGANISATION_FIELDS if not items[0].get(f)]
    return problems


def grant_to_row(grant: dict[str, Any]) -> dict[str, str]:
    """A 360Giving grant as a project spreadsheet row (see ``commissioning.services.projects``)."""
    grant_id = str(grant["id"])
    own = grant_prefix() + "-"
    if grant_id.startswith(own):
        identifier, external_id = grant_id[len(own):], ""
    else:
        identifier, external_id = re.sub(r"[^A-Za-z0-9._-]+", "-", grant_id).strip("-.")[:80], grant_id
    recipient, funder = grant["recipientOrganization"][0], grant["fundingOrganization"][0]
    planned = (grant.get("plannedDates") or [{}])[0]
    programme = (grant.get("grantProgramme") or [{}])[0]
    locations = grant.get("beneficiaryLocation") or []
    areas = [str(loc["geoCode"]).strip().upper() for loc in locations
             if loc.get("geoCode") and level_of(str(loc["geoCode"]).strip().upper())]
    points = [loc for loc in locations if not loc.get("geoCode") and loc.get("latitude") and loc.get("longitude")]
    theme = next((c.get("code", "") for c in grant.get("classifications") or []
                  if c.get("vocabulary") == THEME_VOCABULARY), "")
    end = str(planned.get("endDate", ""))[:10]
    status = Project.Status.COMPLETED if end and end < timezone.localdate().isoformat() else Project.Status.ACTIVE
    return {
        "identifier": identifier, "external_id": external_id, "title": str(grant["title"]),
        "description": str(grant["description"]), "provider": str(recipient["name"]),
        "provider_org_identifier": str(recipient["id"]), "funder": str(funder["name"]),
        "funder_org_identifier": str(funder["id"]), "programme_code": str(programme.get("code", "")),
        "programme_title": str(programme.get("title", "")), "amount_awarded": str(grant["amountAwarded"]),
        "currency": str(grant["currency"]), "award_date": str(grant["awardDate"]),
        "planned_start": str(planned.get("startDate", "")), "planned_end": str(planned.get("endDate", "")),
        "theme": theme, "area_codes": ";".join(areas), "status": status, "published": "yes",
        "delivery_locations": "; ".join(f"{loc.get('name') or 'Delivery location'}, {loc['latitude']}, "
                                        f"{loc['longitude']}" for loc in points),
    }


def import_360giving(path: Path, actor: Actor, theme: str | None = None) -> ImportSummary:
    """Load a 360Giving file's grants as published projects, all or nothing.

    ``theme`` fills the theme of grants that carry none (other publishers' files never do). Identifiers
    with the platform's own prefix become the projects they came from, so an export imported again
    changes nothing.
    """
    grants = read_grants(path)
    problems, rows = [], []
    existing = set(Project.objects.values_list("identifier", flat=True))
    for where, grant in grants:
        found = check_grant(grant, where, path.name)
        problems += found
        if not found:
            row = grant_to_row(grant)
            if row["identifier"] in existing:
                # What 360Giving does not carry (status, publication) stays as the platform has it.
                row.pop("status")
                row.pop("published")
            rows.append((_line_number(where), row))
    if not grants:
        problems.append(Problem(path.name, "there are no grants in the file"))
    defaults = {"theme": Theme(theme).label} if theme else None
    is_json = path.name.lower().endswith(".json")
    if rows:
        problems += [_in_standard_terms(p, is_json) for p in validate_project_rows(rows, path.name, defaults)[1]]
    if problems:
        raise InputRejected(problems)
    return import_project_rows(rows, actor, path.name, defaults=defaults)


def _line_number(where: str) -> int:
    # JSON grants are numbered from 0 in "grants[i]"; report them as grant 1, 2, … to people.
    match = re.search(r"\d+", where)
    number = int(match[0]) if match else 0
    return number + 1 if where.startswith("grants[") else number


#: Project spreadsheet column → the 360Giving field it came from, for error messages.
STANDARD_NAMES = {
    "identifier": "Identifier", "title": "Title", "description": "Description", "currency": "Currency",
    "amount_awarded": "Amount Awarded", "award_date": "Award Date", "planned_start": "Planned Dates:Start Date",
    "planned_end": "Planned Dates:End Date", "provider": "Recipient Org:Name", "funder": "Funding Org:Name",
    "delivery_locations": "Beneficiary Location (latitude, longitude)",
    "theme": "Classifications (vrp-platform:theme); or give a theme for the whole file with --theme",
}


def _in_standard_terms(problem: Problem, is_json: bool) -> Problem:
    column = STANDARD_NAMES.get(problem.column or "", problem.column)
    if is_json and problem.line is not None:
        return Problem(problem.file, f"grants[{problem.line - 1}]: {problem.message}", column=column)
    return Problem(problem.file, problem.message, line=problem.line, column=column)


def published_projects() -> list[Project]:
    return list(Project.objects.filter(is_published=True).select_related("provider", "funder", "programme")
                .prefetch_related("locations").order_by("identifier"))


def export_file(fmt: str, target: Any) -> int:
    """Write the published projects as 360Giving ``json`` or ``xlsx`` to ``target`` (a path or a file object).

    Returns the number of grants written.
    """
    package = export_package(published_projects())
    if fmt == "json":
        text = json.dumps(package, indent=1, ensure_ascii=False)
        if hasattr(target, "write"):
            target.write(text)
        else:
            Path(target).write_text(text, encoding="utf-8")
    elif fmt == "xlsx":
        write_xlsx(package, target)
    else:
        raise ValueError("360Giving data is written as json or xlsx")
    return len(package["grants"])
