"""The public commissioning dashboard: find published projects and total them.

Everything here reads published projects only; the dashboard, its downloads and its API share these
functions, so they cannot disagree. A year is the financial year a project was awarded in (April–March),
so amounts add up without counting a multi-year grant twice.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse

from commissioning.models import Project, Theme
from core.figures import Missing
from core.problems import Refused
from geography.models import AreaLink
from monitoring.services.periods import financial_year_bounds, financial_year_label
from monitoring.services.reach import MEASURE_LABELS, MEASURES, REACHED, project_reach, public_reach

#: Per-project reach is not public: the public release gives reach by year, area and theme.
NOT_PER_PROJECT = Missing("c", "reach is published by year, area and theme only (the public release)")
#: The training register's professionals and those providers' returns report beyond them, each once.
REACHED_LABEL = "Professionals reached (training register and returns, each once)"


@dataclass(frozen=True)
class ProjectFilters:
    """What a visitor filtered by; empty values mean "any"."""

    text: str = ""
    theme: str = ""
    funder: int | None = None
    provider: int | None = None
    area: str = ""
    year: int | None = None
    status: str = ""


def overlapping_areas(area_code: str) -> set[str]:
    """Codes of the areas that overlap ``area_code``: itself, the LSOAs in it, and every area holding those.

    A project serving a local authority is found from any of its wards, and a project serving a ward is
    found from its local authority.
    """
    lsoas = set(AreaLink.objects.filter(parent_code=area_code).values_list("child_code", flat=True))
    lsoas.add(area_code)
    parents = set(AreaLink.objects.filter(child_code__in=lsoas).values_list("parent_code", flat=True))
    return {area_code} | lsoas | parents


def find_projects(filters: ProjectFilters) -> list[Project]:
    """Published projects matching ``filters``, newest award first."""
    projects = Project.objects.filter(is_published=True).select_related("provider", "funder", "programme")
    if filters.text:
        words = Q()
        for word in filters.text.split()[:8]:
            words &= (Q(title__icontains=word) | Q(description__icontains=word) | Q(target_cohort__icontains=word)
                      | Q(provider__name__icontains=word) | Q(identifier__iexact=word))
        projects = projects.filter(words)
    if filters.theme:
        projects = projects.filter(theme=filters.theme)
    if filters.funder:
        projects = projects.filter(funder_id=filters.funder)
    if filters.provider:
        projects = projects.filter(provider_id=filters.provider)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.year is not None:
        first, last = financial_year_bounds(filters.year)
        projects = projects.filter(award_date__gte=first, award_date__lte=last)
    found = list(projects.prefetch_related("locations"))
    if filters.area:
        # Area codes are a JSON list; matched here so SQLite and PostgreSQL behave the same.
        wanted = overlapping_areas(filters.area)
        found = [p for p in found if wanted & set(p.area_codes or [])]
    return found


def totals(projects: list[Project]) -> dict:
    """Number of projects and amount awarded (GBP) for a selection of projects."""
    return {
        "projects": len(projects),
        "amount_awarded": sum((p.amount_awarded for p in projects if p.currency == "GBP"), Decimal("0")),
    }


def reach_tiles(filters: ProjectFilters, projects: list[Project], full: bool) -> tuple[list[dict], str]:
    """Reach for the selection and a sentence saying what it counts.

    In full (``full``: commissioners, analysts, administrators) it is summed over the selected projects, with
    professionals reached (the training register and the returns, each once) when nothing is selected. For
    everyone else it comes from the public release, which holds a financial year for the region or a local
    authority, over all themes or one; any other selection is refused with the reason.
    """
    if full:
        per_project = project_reach(filters.year, [p.pk for p in projects])
        tiles = [{"measure": m, "label": MEASURE_LABELS[m], "total": sum(v[m] for v in per_project.values())}
                 for m in MEASURES]
        note = "Accepted returns of the selected projects, new participants (in full)."
        if filters == ProjectFilters():
            tiles.append({"measure": REACHED, "label": REACHED_LABEL, "total": full_reached()})
            note += (" Professionals reached adds the partnership's training register to the professionals "
                     "published projects' returns report, each person once in a financial year (in full, every "
                     "year); it is shown for the whole programme only, not for a selection.")
        return tiles, note
    from core.release import NotInRelease, current_release

    if filters.text or filters.funder or filters.provider or filters.status:
        return [], ("Reach is published for the region and each local authority by year and theme (the public "
                    "release), not for a selection by words, funder, provider or status.")
    try:
        release = current_release("returns")
        years = [y for y in release.years if "/" in y]
        year = financial_year_label(filters.year) if filters.year is not None else (years[-1] if years else None)
        if year is None:
            return [], "No whole financial year of accepted returns is in the public release yet."
        theme = dict(Theme.choices).get(filters.theme) if filters.theme else None
        values = public_reach(year, filters.area or None, theme)
    except (NotInRelease, Refused) as exc:
        return [], exc.reason
    tiles = [{"measure": m, "label": MEASURE_LABELS[m], "total": values[m]} for m in MEASURES]
    note = (f"{release.describe()} Financial year {year}, {'one theme' if theme else 'every theme'}, "
            f"{filters.area or 'the region'}.")
    reached = values[REACHED]
    if not (isinstance(reached, Missing) and reached.code == "x"):  # withheld is shown as such; absent is not
        tiles.append({"measure": REACHED, "label": REACHED_LABEL, "total": reached})
        note += (" Professionals reached adds the partnership's training register to the professionals providers "
                 "report in their returns, counting once someone at a provider's session recorded in the register.")
    return tiles, note


def full_reached() -> int:
    """Professionals reached in full, every financial year summed (each person once a year): the training
    register and published projects' accepted returns beyond it, from the training source's records through
    ``core.release.full_total`` (the records the public release is built from, before disclosure control)."""
    from core.release import full_total

    return full_total("training", REACHED)


def by_theme(projects: list[Project]) -> list[dict]:
    """Projects and amount awarded per theme (every theme listed, zeros included)."""
    rows = {t.value: {"theme": t.value, "name": t.label, "projects": 0, "amount_awarded": Decimal("0")}
            for t in Theme}
    for p in projects:
        rows[p.theme]["projects"] += 1
        rows[p.theme]["amount_awarded"] += p.amount_awarded
    return list(rows.values())


def by_funder(projects: list[Project]) -> list[dict]:
    rows: dict[str, dict] = {}
    for p in projects:
        row = rows.setdefault(p.funder.name, {"funder": p.funder.name, "projects": 0, "amount_awarded": Decimal("0")})
        row["projects"] += 1
        row["amount_awarded"] += p.amount_awarded
    return sorted(rows.values(), key=lambda r: -r["amount_awarded"])


def project_table(projects: list[Project], full: bool = False) -> list[dict]:
    """One row per project, as shown, downloaded (CSV, XLSX) and served as JSON; reach per project only in full
    (the public see reach by year, area and theme through the public release)."""
    reach = project_reach(None, [p.pk for p in projects]) if full else {}
    return [{
        "identifier": p.identifier, "title": p.title, "provider": p.provider.name, "funder": p.funder.name,
        "programme": p.programme.title if p.programme else "", "theme": p.get_theme_display(),
        "status": p.get_status_display(), "amount_awarded": p.amount_awarded, "currency": p.currency,
        "award_date": p.award_date, "financial_year": financial_year_label(
            p.award_date.year if p.award_date.month >= 4 else p.award_date.year - 1),
        "planned_start": p.planned_start, "planned_end": p.planned_end, "target_cohort": p.target_cohort,
        "age_range": _age_range(p), "areas": ";".join(p.area_codes or []),
        **{m: reach.get(p.pk, {}).get(m, 0) if full else NOT_PER_PROJECT for m in MEASURES},
    } for p in projects]


def _age_range(project: Project) -> str:
    if project.age_from is None and project.age_to is None:
        return ""
    if project.age_to is None:
        return f"{project.age_from} and over"
    return f"{project.age_from or 0} to {project.age_to}"


def delivery_points(projects: list[Project]) -> dict:
    """Where the projects deliver, as a GeoJSON FeatureCollection of points (places, never home addresses)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc.longitude, loc.latitude]},
         "properties": {"name": loc.name, "project": p.identifier, "title": p.title, "label": p.title,
                        "url": reverse("commissioning:project", args=[p.identifier]),
                        "theme": p.get_theme_display(), "lsoa": loc.lsoa_code}}
        for p in projects for loc in p.locations.all()]}


def award_years() -> list[int]:
    """Financial years in which published projects were awarded, newest first."""
    dates = Project.objects.filter(is_published=True).values_list("award_date", flat=True)
    return sorted({d.year if d.month >= 4 else d.year - 1 for d in dates}, reverse=True)
