"""Synthetic funders, programmes, providers, projects and monitoring returns for the demo region.

Loaded through the real services (the project spreadsheet import and the return functions), so the demo
exercises the same validation and audit as real use. Every name is invented. Running it again changes
nothing: projects import unchanged, and existing returns are left as they are.
"""

import csv
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from commissioning.models import Project, Theme
from monitoring.models import AgeBand, MonitoringReturn, OutcomeMeasure, Participation, Sex

FUNDERS = ["Synthetic Violence Reduction Partnership", "Synthetic Office of the Police and Crime Commissioner",
           "Synthetic Community Foundation"]
PROGRAMMES = [("CIF", "Community Initiatives Fund", 0), ("SCHOOLS", "Schools Prevention Programme", 0),
              ("NAVIGATORS", "Navigator Programme", 1), ("SPORT", "Summer Sport and Activity Fund", 2)]
PROVIDERS = ["Northfield Youth Trust", "Easton Boxing Academy", "Riverside Mentoring CIC", "Hillcrest Futures",
             "Westmoor Community Kitchen", "Bridges Out of Harm", "Street Doctors Network (synthetic)",
             "Safer Nights Collective", "Faith Alliance Connect (synthetic)", "Young Voices Theatre",
             "Second Chance Football", "Women's Safety Hub (synthetic)"]
ACTIVITIES = {
    Theme.PLACE_BASED: ["Detached youth work in {area}", "Safe routes home from {area} schools"],
    Theme.HEALTH: ["Hospital navigators at {area} emergency department", "Trauma-informed counselling in {area}"],
    Theme.EDUCATION: ["Mentors in Violence Prevention, {area} secondary schools", "Exclusion prevention in {area}"],
    Theme.EXPLOITATION: ["Exploitation awareness for {area} parents", "County lines diversion in {area}"],
    Theme.CRIMINAL_JUSTICE: ["Custody navigators for {area}", "Out-of-court diversion in {area}"],
    Theme.FAITH_AND_COMMUNITIES: ["Faith leaders' response network, {area}", "Community reassurance in {area}"],
    Theme.SPORT: ["Midnight football in {area}", "Boxing and mentoring in {area}"],
    Theme.VAWG: ["Healthy relationships in {area} schools", "Night-time economy safety in {area}"],
}
DEMO_RETURNS_UNTIL = date(2026, 9, 30)


def write_projects(folder: Path, lad_codes: list[str], lad_names: list[str], lsoa_centres: dict[str, list],
                   rng: np.random.Generator, count: int = 40) -> Path:
    """A project spreadsheet of ``count`` synthetic projects (the import's own columns)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "synthetic_projects.csv"
    themes = list(Theme)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["identifier", "title", "description", "provider", "funder", "programme_code",
                         "programme_title", "amount_awarded", "award_date", "planned_start", "planned_end", "theme",
                         "target_cohort", "age_from", "age_to", "area_codes", "status", "published",
                         "return_period_months", "delivery_locations"])
        for n in range(count):
            theme = themes[n % len(themes)]
            lad = int(rng.integers(len(lad_codes)))
            programme = PROGRAMMES[n % len(PROGRAMMES)]
            start = date(2023 + n % 3, 4 + int(rng.integers(0, 6)), 1)
            end = date(start.year + 1 + int(rng.integers(0, 2)), 3, 31)
            award = start - timedelta(days=int(rng.integers(20, 90)))
            title = ACTIVITIES[theme][n % 2].format(area=lad_names[lad])
            places = []
            for k in range(1 + int(rng.integers(0, 3))):
                lon, lat = lsoa_centres[lad_codes[lad]][int(rng.integers(len(lsoa_centres[lad_codes[lad]])))]
                places.append(f"{lad_names[lad]} venue {k + 1}, {lat:.5f}, {lon:.5f}")
            status = "Completed" if end < DEMO_RETURNS_UNTIL else "Active"
            writer.writerow([
                f"SYN-{n + 1:03d}", title,
                f"Synthetic demonstration project: {title}. Invented for the demo region.",
                PROVIDERS[n % len(PROVIDERS)], FUNDERS[programme[2]], programme[0], programme[1],
                int(rng.integers(1, 50)) * 5000, award.isoformat(), start.isoformat(), end.isoformat(), theme.label,
                "young people at risk of involvement in violence", 10 if theme != Theme.HEALTH else 11, 25,
                lad_codes[lad], status, "no" if n % 13 == 12 else "yes", 3, "; ".join(places)])
    return path


def add_returns(rng: np.random.Generator, actor: object, until: date = DEMO_RETURNS_UNTIL) -> int:
    """Quarterly returns for every demo project up to ``until``: mostly accepted, the latest submitted,
    a few missing (so the late list has something to show). Returns how many were created."""
    from monitoring.services.periods import due_date, project_periods
    from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

    created = 0
    for project in Project.objects.filter(identifier__startswith="SYN-").order_by("identifier"):
        target = int(rng.integers(20, 200))
        if not project.outcome_measures.exists():
            OutcomeMeasure.objects.create(project=project, name="Young people completing the programme",
                                          unit="young people", target=target)
        existing = set(MonitoringReturn.objects.filter(project=project).values_list("period_start", flat=True))
        size = float(rng.lognormal(2.0, 0.7))
        for index, (start, end) in enumerate(project_periods(project, until)):
            # Every draw is made whether or not the return exists, so a second run draws the same numbers.
            missing = rng.random() < 0.07
            new_rate = size * (1.6 if index == 0 else 0.5)
            reach = {}
            for band, weight in ((AgeBand.UNDER_10, 0.1), (AgeBand.AGED_10_17, 0.55), (AgeBand.AGED_18_24, 0.3),
                                 (AgeBand.AGED_25_PLUS, 0.05)):
                for sex, share in ((Sex.MALE, 0.62), (Sex.FEMALE, 0.35), (Sex.OTHER_OR_UNKNOWN, 0.03)):
                    cell = new_rate * weight * share
                    reach[(band.value, sex.value, Participation.NEW.value)] = int(rng.poisson(cell))
                    reach[(band.value, sex.value, Participation.CONTINUING.value)] = int(
                        rng.poisson(size * weight * share) if index else 0)
            figures = ReturnFigures(reach=reach, professionals_trained=int(rng.poisson(size / 4)),
                                    sessions_delivered=int(rng.poisson(12)), referrals_made=int(rng.poisson(size / 6)),
                                    outcomes={"Young people completing the programme": int(rng.poisson(size / 2))})
            # Returns are dated as a provider would have sent them (a few late), not as the demo runs.
            sent = end + timedelta(days=int(rng.integers(5, 45)))
            submit = rng.random() < 0.6
            if missing or start in existing:
                continue
            saved = save_return(actor, project, start, figures)
            if due_date(end) < until - timedelta(days=60):
                review_return(actor, submit_return(actor, saved), accept=True, comment="")
                MonitoringReturn.objects.filter(pk=saved.pk).update(submitted_at=_noon(sent),
                                                                     reviewed_at=_noon(sent + timedelta(days=7)))
            elif submit:
                submit_return(actor, saved)
                MonitoringReturn.objects.filter(pk=saved.pk).update(submitted_at=_noon(sent))
            created += 1
    return created


def _noon(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
