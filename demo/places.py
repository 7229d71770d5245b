"""Synthetic schools, walking routes and directory services for the demo region (all invented)."""

import json
from datetime import date, time

import numpy as np

from places.models import (
    DirectoryOrganisation,
    Postcode,
    Route,
    Schedule,
    School,
    Service,
    ServiceLocation,
    TaxonomyTerm,
)

TERMS = [("football", "Football"), ("boxing", "Boxing"), ("youth-club", "Youth club"), ("mentoring", "Mentoring"),
         ("arts", "Arts and music"), ("faith", "Faith and community")]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def add_places(lsoas: list, lad_names: list[str], rng: np.random.Generator, real_schools: bool = False) -> int:
    """Schools at some LSOA centres (or, with ``real_schools``, the secondary schools already loaded in the
    deprived half of ``lsoas``), two chaperoned and two comparison routes, 40 directory services."""
    if School.objects.filter(urn__gte=990001, urn__lte=990999).exists() or (
            real_schools and Route.objects.filter(name__endswith="(synthetic)").exists()):
        return 0
    centres = [(*x.centre, x) for x in lsoas]
    schools = []
    if real_schools:
        deprived = {x.code for x in lsoas if x.deprivation >= 0.5}
        schools = list(School.objects.filter(lsoa_code__in=deprived, phase="Secondary", longitude__isnull=False)
                       .order_by("urn")[:5])
    for n, (lon, lat, lsoa) in enumerate([] if real_schools else centres[::12]):
        schools.append(School(urn=990001 + n, name=f"Synthetic {'Academy' if n % 3 else 'Primary'} {n + 1}",
                              phase="Secondary" if n % 3 else "Primary", establishment_type="Academy",
                              pupils=int(rng.integers(300, 1500)), free_school_meals_percent=round(
                                  float(10 + 40 * lsoa.deprivation), 1), la_name=lad_names[lsoa.lad],
                              lsoa_code=lsoa.code, longitude=round(lon, 6), latitude=round(lat, 6)))
    if not real_schools:
        School.objects.bulk_create(schools)
    for n, school in enumerate(schools[1:5]):
        line = [[school.longitude, school.latitude], [school.longitude + 0.01, school.latitude + 0.004]]
        Route.objects.create(name=f"{'Comparison' if n >= 2 else 'Step Together'} route {n + 1} (synthetic)",
                             school=school if n < 2 else None, start_date=date(2024, 9, 2), is_comparison=n >= 2,
                             line_geojson=json.dumps({"type": "LineString", "coordinates": line}),
                             days="Monday to Friday", start_time=time(15, 10), end_time=time(16, 10),
                             chaperone_shifts_per_week=10 if n < 2 else 0, children_walking=30 if n < 2 else 0)
    terms = [TaxonomyTerm.objects.get_or_create(code=c, defaults={"name": name})[0] for c, name in TERMS]
    for n, (lon, lat, lsoa) in enumerate(centres[5::12]):
        postcode = f"SY{n % 9 + 1} {n % 10}AA"
        Postcode.objects.get_or_create(postcode=postcode, defaults={"latitude": lat, "longitude": lon})
        organisation = DirectoryOrganisation.objects.create(
            name=f"Synthetic community group {n + 1}", description="An invented organisation for the demo.")
        term = terms[n % len(terms)]
        service = Service.objects.create(organisation=organisation, name=f"{term.name} sessions (synthetic {n + 1})",
                                         description="Invented for the demonstration region.", status="active",
                                         minimum_age=8 + n % 6, maximum_age=18 + n % 8, cost="Free",
                                         moderation=Service.Moderation.PUBLISHED)
        service.terms.add(term)
        ServiceLocation.objects.create(service=service, name=f"Venue {n + 1}", postcode=postcode,
                                       latitude=round(lat, 6), longitude=round(lon, 6), lsoa_code=lsoa.code)
        for k in range(1 + n % 3):
            Schedule.objects.create(service=service, byday=DAYS[(n + 2 * k) % 7], opens_at=time(17 + k % 3),
                                    closes_at=time(19 + k % 3), season=["all_year", "term_time", "holidays"][n % 3])
    return len(schools)
