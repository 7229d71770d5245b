"""The directory of services: search ("what is on near me this summer"), Open Referral UK out and in,
and moderation of submitted entries.

Open Referral UK follows the UK profile of HSDS 3.0 (github.com/OpenReferralUK/uk-profile): a service has
``id`` (UUID), ``name``, ``status`` and the rest; lists come in the paged envelope (``total_items``,
``total_pages``, ``page_number``, ``size``, ``first_page``, ``last_page``, ``empty``, ``contents``). Only
published entries are ever served; moderation fields and who submitted an entry never are.
"""

import json
import math
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core import audit
from core.audit import Actor
from core.problems import InputRejected, Problem, nul_problems
from places.models import DirectoryOrganisation, Postcode, Schedule, Service, ServiceLocation, TaxonomyTerm
from places.services.ordering import natural_key

DAY_CODES = {code: code for code, _ in Schedule.DAYS} | {name.lower(): code for code, name in Schedule.DAYS}
POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$")
DEFAULT_PROXIMITY_M = 2000


@dataclass(frozen=True)
class DirectoryFilters:
    """The Open Referral UK filters, plus season (term time or holidays) and area."""

    search: str = ""
    taxonomy_term_id: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    day: str = ""
    start_time: time | None = None
    end_time: time | None = None
    postcode: str = ""
    proximity: float | None = None
    season: str = ""


def normalise_postcode(text: str) -> str | None:
    match = POSTCODE.match(text.strip().upper().replace("  ", " "))
    return f"{match[1]} {match[2]}" if match else None


def postcode_point(text: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a postcode's centroid, or None if unknown."""
    code = normalise_postcode(text)
    found = Postcode.objects.filter(postcode=code).first() if code else None
    return (found.latitude, found.longitude) if found else None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius 6,371 km)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def published() -> QuerySet[Service]:
    from engagement.services.networks import faith_alliance_memberships_today

    return (Service.objects.filter(moderation=Service.Moderation.PUBLISHED)
            .select_related("organisation").prefetch_related("locations", "schedules", "terms",
                                                             faith_alliance_memberships_today("organisation__")))


def _matching(filters: DirectoryFilters) -> QuerySet[Service]:
    """Published services matching ``filters`` (all but the postcode), by name, without their related lists."""
    services = Service.objects.filter(moderation=Service.Moderation.PUBLISHED)
    for word in filters.search.split()[:8]:
        services = services.filter(Q(name__icontains=word) | Q(description__icontains=word)
                                   | Q(organisation__name__icontains=word) | Q(terms__name__icontains=word))
    if filters.taxonomy_term_id:
        term = TaxonomyTerm.objects.filter(Q(code=filters.taxonomy_term_id) | _uuid_q(filters.taxonomy_term_id)).first()
        services = services.filter(terms=term) if term else services.none()
    if filters.minimum_age is not None:
        services = services.filter(Q(maximum_age__isnull=True) | Q(maximum_age__gte=filters.minimum_age))
    if filters.maximum_age is not None:
        services = services.filter(Q(minimum_age__isnull=True) | Q(minimum_age__lte=filters.maximum_age))
    day = DAY_CODES.get(filters.day.strip().lower(), DAY_CODES.get(filters.day.strip().upper(), ""))
    sessions = Q()
    if day:
        sessions &= Q(schedules__byday=day)
    if filters.start_time:
        sessions &= Q(schedules__closes_at__gt=filters.start_time)
    if filters.end_time:
        sessions &= Q(schedules__opens_at__lt=filters.end_time)
    if filters.season in (Schedule.Season.TERM_TIME, Schedule.Season.HOLIDAYS):
        sessions &= Q(schedules__season__in=[filters.season, Schedule.Season.ALL_YEAR])
    if sessions:
        services = services.filter(sessions)
    return services.distinct()


Ranked = list[tuple[uuid.UUID, float | None]]


def ranked(filters: DirectoryFilters, by_natural_name: bool = False) -> tuple[Ranked, str]:
    """The ids of the published services matching ``filters`` in the order they are listed, with the distance:
    nearest first when a postcode is given, else by name: the database's order (as the Open Referral API has
    always answered), or with ``by_natural_name`` the order people read, "Club 5" before "Club 11".

    Only ids, names and coordinates are read, so ranking every service costs little; a page's services are
    loaded afterwards (``RankedServices``). Returns the ranking and a note (e.g. an unknown postcode).
    """
    services = _matching(filters)
    if not filters.postcode:
        rows = list(services.values_list("id", "name"))
        if by_natural_name:
            rows.sort(key=lambda row: natural_key(row[1]))
        return [(pk, None) for pk, _ in rows], ""
    point = postcode_point(filters.postcode)
    if point is None:
        return [], f"The postcode {filters.postcode!r} is not one the directory knows."
    ids = list(services.values_list("id", flat=True))
    nearest: dict[uuid.UUID, float] = {}
    for service_id, latitude, longitude in ServiceLocation.objects.filter(service__in=services.values("id")) \
            .values_list("service_id", "latitude", "longitude"):
        metres = distance_m(point[0], point[1], latitude, longitude)
        nearest[service_id] = min(metres, nearest.get(service_id, metres))
    limit = filters.proximity or DEFAULT_PROXIMITY_M
    near = [(pk, round(nearest[pk])) for pk in ids if pk in nearest and nearest[pk] <= limit]
    return sorted(near, key=lambda pair: pair[1]), ""


class RankedServices(Sequence):
    """Ranked services that load (with their related lists) only the slice asked for: a paginator or the Open
    Referral envelope counts them all but reads one page."""

    def __init__(self, ranking: Ranked) -> None:
        self.ranking = ranking

    def __len__(self) -> int:
        return len(self.ranking)

    def __getitem__(self, index: int | slice) -> Any:
        chosen = self.ranking[index] if isinstance(index, slice) else [self.ranking[index]]
        loaded = published().in_bulk([pk for pk, _ in chosen])
        # A service unpublished between ranking and loading is left out rather than failing the page.
        rows = [(loaded[pk], distance) for pk, distance in chosen if pk in loaded]
        return rows if isinstance(index, slice) else rows[0]


def search(filters: DirectoryFilters) -> tuple[list[tuple[Service, float | None]], str]:
    """Published services matching ``filters``, nearest first when a postcode is given, with the distance.

    Returns the matches and a note (e.g. an unknown postcode), never an error.
    """
    ranking, note = ranked(filters)
    return RankedServices(ranking)[:], note


@dataclass(frozen=True)
class DirectoryPage:
    """One page of the directory: its services (with distances), how many match in all, and a note."""

    page: Page
    total: int
    note: str


def directory_page(filters: DirectoryFilters | None, page_number: Any, per_page: int) -> DirectoryPage:
    """Page ``page_number`` of the published services matching ``filters`` (None: nothing matches), nearest
    first with a postcode, else by name in natural order; only that page's services are loaded."""
    ranking, note = ranked(filters, by_natural_name=True) if filters is not None else ([], "")
    page = Paginator(RankedServices(ranking), per_page).get_page(page_number)
    return DirectoryPage(page=page, total=len(ranking), note=note)


def services_envelope(filters: DirectoryFilters, page: int, per_page: int) -> tuple[dict[str, Any], str]:
    """The Open Referral ``/services`` answer: page ``page`` of the matching services (by name, or nearest
    first with a postcode) in the paged envelope, loading only that page's services; and a note."""
    ranking, note = ranked(filters)
    answer = envelope(RankedServices(ranking), page, per_page)
    answer["contents"] = [oruk_service(s) for s, _ in answer["contents"]]
    return answer, note


def _uuid_q(text: str) -> Q:
    try:
        return Q(id=uuid.UUID(text))
    except ValueError:
        return Q(pk__in=[])


def present(value: Any) -> Any:
    """``value`` with every absent (None) field left out, at any depth: the profile's schemas type fields such as
    ``url``, ``email`` and ``parent_id`` as strings, so an absent one is omitted, never sent as null."""
    if isinstance(value, dict):
        return {k: present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [present(v) for v in value]
    return value


def oruk_term(term: TaxonomyTerm) -> dict[str, Any]:
    return present({"id": str(term.id), "code": term.code, "name": term.name,
                    "description": term.description or term.name, "taxonomy": term.vocabulary,
                    "parent_id": str(term.parent_id) if term.parent_id else None})


def oruk_location(location: ServiceLocation) -> dict[str, Any]:
    return {"id": str(location.id), "location_type": "physical", "name": location.name,
            "latitude": location.latitude, "longitude": location.longitude,
            "addresses": [{"id": str(uuid.uuid5(location.id, "address")), "address_1": location.address or
                           location.name, "city": "", "state_province": "", "postal_code": location.postcode,
                           "country": "GB", "address_type": "physical"}]}


def oruk_service(service: Service) -> dict[str, Any]:
    """A service in the Open Referral UK profile's shape (every collection included)."""
    organisation = service.organisation
    return present({
        "id": str(service.id), "name": service.name, "description": service.description, "url": service.url or None,
        "email": service.email or None, "status": service.status, "minimum_age": service.minimum_age,
        "maximum_age": service.maximum_age, "last_modified": service.last_modified.isoformat(),
        "organization": {"id": str(organisation.id), "name": organisation.name,
                         "description": organisation.description, "email": organisation.email or None,
                         "website": organisation.website or None},
        "service_at_locations": [{"id": str(uuid.uuid5(loc.id, "service_at_location")), "service_id": str(service.id),
                                  "location": oruk_location(loc)} for loc in service.locations.all()],
        "schedules": [{"id": str(s.id), "service_id": str(service.id), "freq": "WEEKLY", "byday": s.byday,
                       "opens_at": s.opens_at.strftime("%H:%M"), "closes_at": s.closes_at.strftime("%H:%M"),
                       "description": s.get_season_display()} for s in service.schedules.all()],
        "attributes": [{"id": str(uuid.uuid5(service.id, str(t.id))), "link_id": str(service.id),
                        "link_type": "service", "taxonomy_term_id": str(t.id), "taxonomy_term": oruk_term(t)}
                       for t in service.terms.all()],
        "cost_options": [{"id": str(uuid.uuid5(service.id, "cost")), "service_id": str(service.id),
                          "option": service.cost}] if service.cost else [],
        "contacts": [{"id": str(uuid.uuid5(service.id, "contact")), "name": service.contact_name,
                      "phones": [{"id": str(uuid.uuid5(service.id, "phone")), "number": service.contact_phone}]
                      if service.contact_phone else []}] if service.contact_name or service.contact_phone else [],
    })


def envelope(items: Sequence[Any], page: int, per_page: int) -> dict[str, Any]:
    """The Open Referral paged envelope around one page of ``items``."""
    total = len(items)
    pages = max(1, math.ceil(total / per_page))
    page = max(page, 1)
    # A page past the last is an empty page with the number asked for (as a Spring/HSDS paged API answers),
    # never the last page passed off as the one requested.
    contents = list(items[(page - 1) * per_page:page * per_page])
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}


@transaction.atomic
def submit_service(actor: Actor, service: Service, terms: list[TaxonomyTerm], organisation: dict[str, Any],
                   location: dict[str, Any], schedule: dict[str, Any]) -> Service:
    """Save a submitted service (validated by its form, not yet saved) for moderation, with its organisation
    (found by name or created), one location at a known postcode and one weekly session; audit-logged."""
    found, _ = DirectoryOrganisation.objects.get_or_create(
        name=organisation["name"], defaults={"description": organisation["description"]})
    if organisation.get("faith_alliance_member"):
        from engagement.services.networks import declare_faith_alliance_membership

        # Counted once the Faith Alliance's coordinator confirms it (engagement, networks page).
        declare_faith_alliance_membership(actor if getattr(actor, "pk", None) else "public", found,
                                          timezone.localdate())
    service.organisation = found
    service.moderation = Service.Moderation.PENDING
    service.submitted_by = actor if getattr(actor, "pk", None) else None
    service.save()
    service.terms.set(terms)
    latitude, longitude = postcode_point(location["postcode"])
    ServiceLocation.objects.create(service=service, name=location["name"],
                                   postcode=normalise_postcode(location["postcode"]) or "", latitude=latitude,
                                   longitude=longitude)
    Schedule.objects.create(service=service, **schedule)
    audit.record(actor if getattr(actor, "pk", None) else "public", "submit", service)
    return service


@transaction.atomic
def moderate(actor: Actor, service: Service, publish: bool, note: str = "") -> Service:
    service.moderation = Service.Moderation.PUBLISHED if publish else Service.Moderation.REJECTED
    service.review_note = note[:300]
    service.save(update_fields=["moderation", "review_note", "last_modified"])
    audit.record(actor, "publish" if publish else "reject", service)
    return service


@transaction.atomic
def moderate_many(actor: Actor, services: QuerySet[Service], publish: bool, note: str = "") -> int:
    """Publish or reject every pending service in ``services`` at once (a flood of submissions is rejected in
    one step); each decision is in the audit log. Returns how many were decided."""
    from core.models import AuditEntry

    chosen = list(services.filter(moderation=Service.Moderation.PENDING).select_for_update())
    if not chosen:
        return 0
    decision = Service.Moderation.PUBLISHED if publish else Service.Moderation.REJECTED
    Service.objects.filter(pk__in=[s.pk for s in chosen]).update(moderation=decision, review_note=note[:300],
                                                                 last_modified=timezone.now())
    user = actor if getattr(actor, "pk", None) else None
    label = actor.get_username() if user else str(actor)
    AuditEntry.objects.bulk_create([
        AuditEntry(actor=user, actor_label=label[:150], action="publish" if publish else "reject",
                   object_type=Service._meta.label, object_id=str(s.pk), summary=str(s)[:300], changes={})
        for s in chosen], batch_size=500)
    return len(chosen)


def import_oruk_file(path: Path, actor: Actor = "cli") -> dict[str, int]:
    """``import_oruk`` for a JSON file; a file that is not UTF-8 JSON is rejected by name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise InputRejected([Problem(path.name, f"cannot be read as JSON: {exc}")]) from exc
    if nul_problems(data, path.name):
        raise InputRejected(nul_problems(data, path.name))
    return import_oruk(data, path.name, actor)


def import_oruk(data: Any, source: str, actor: Actor = "cli") -> dict[str, int]:
    """Load services from an Open Referral UK feed (a paged ``/services`` response or a list), published.

    Every service is checked first (``id`` a UUID, ``name``, ``status`` from the codelist, an organisation
    with ``id`` and ``name``, locations with coordinates); any problem rejects the whole feed, by index and
    field. Loading the same feed again changes nothing.
    """
    items = data.get("contents", data.get("content")) if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise InputRejected([Problem(source, "an Open Referral feed is a list of services or a page with "
                                     "'contents'")])
    problems = []
    for n, item in enumerate(items):
        where = f"services[{n}]"
        if not isinstance(item, dict):
            problems.append(Problem(source, f"{where} is not an object"))
            continue
        for name in ("id", "name", "status"):
            if not item.get(name):
                problems.append(Problem(source, f"{where}: {name} is required", column=name))
        if item.get("id") and not _is_uuid(item["id"]):
            problems.append(Problem(source, f"{where}: id {item['id']!r} is not a UUID", column="id"))
        if item.get("status") and item["status"] not in Service.Status.values:
            problems.append(Problem(source, f"{where}: status {item['status']!r} is not one of "
                                    f"{', '.join(Service.Status.values)}", column="status"))
        organisation = item.get("organization") or {}
        if not (organisation.get("id") and _is_uuid(organisation["id"]) and organisation.get("name")):
            problems.append(Problem(source, f"{where}: organization needs a UUID id and a name", column="organization"))
        for m, link in enumerate(item.get("service_at_locations") or []):
            location = (link or {}).get("location") or {}
            try:
                lat, lon = float(location["latitude"]), float(location["longitude"])
            except (KeyError, TypeError, ValueError):
                problems.append(Problem(source, f"{where}.service_at_locations[{m}]: a location needs latitude "
                                        "and longitude", column="location"))
                continue
            if not (49 <= lat <= 61 and -8.7 <= lon <= 2):
                problems.append(Problem(source, f"{where}.service_at_locations[{m}]: the location is not in the UK",
                                        column="location"))
    if problems:
        raise InputRejected(problems)
    created = updated = 0
    with transaction.atomic():
        for item in items:
            org = item["organization"]
            organisation, _ = DirectoryOrganisation.objects.update_or_create(
                id=uuid.UUID(org["id"]), defaults={"name": org["name"][:200], "description": org.get("description")
                                                   or org["name"], "email": org.get("email") or "",
                                                   "website": org.get("website") or org.get("url") or "",
                                                   "source": source[:200]})
            service, was_created = Service.objects.update_or_create(id=uuid.UUID(item["id"]), defaults={
                "organisation": organisation, "name": item["name"][:200], "description": item.get("description") or "",
                "url": item.get("url") or "", "email": item.get("email") or "", "status": item["status"],
                "minimum_age": item.get("minimum_age"), "maximum_age": item.get("maximum_age"),
                "moderation": Service.Moderation.PUBLISHED})
            created += was_created
            updated += not was_created
            service.locations.all().delete()
            for link in item.get("service_at_locations") or []:
                location = link["location"]
                address = (location.get("addresses") or location.get("physical_addresses") or [{}])[0]
                ServiceLocation.objects.create(
                    id=uuid.UUID(location["id"]) if _is_uuid(location.get("id", "")) else uuid.uuid4(),
                    service=service, name=(location.get("name") or service.name)[:200],
                    address=(address.get("address_1") or "")[:200],
                    postcode=(address.get("postal_code") or "")[:10], latitude=float(location["latitude"]),
                    longitude=float(location["longitude"]))
            service.schedules.all().delete()
            for schedule in item.get("schedules") or item.get("regular_schedules") or []:
                day = str(schedule.get("byday") or "").split(",")[0].strip().upper()[:2]
                try:
                    opens, closes = time.fromisoformat(schedule["opens_at"][:5]), time.fromisoformat(
                        schedule["closes_at"][:5])
                except (KeyError, TypeError, ValueError):
                    continue
                if day in DAY_CODES.values():
                    Schedule.objects.create(service=service, byday=day, opens_at=opens, closes_at=closes)
            terms = []
            for attribute in item.get("attributes") or item.get("service_taxonomys") or []:
                term = attribute.get("taxonomy_term") or attribute.get("taxonomy") or {}
                if term.get("name"):
                    code = re.sub(r"[^a-z0-9]+", "-", (term.get("code") or term["name"]).lower()).strip("-")[:60]
                    terms.append(TaxonomyTerm.objects.get_or_create(code=code, defaults={"name": term["name"][:120],
                                                                                         "vocabulary": str(term.get(
                                                                                             "taxonomy") or
                                                                                             "imported")[:60]})[0])
            service.terms.set(terms)
        audit.record(actor, "import", object_type="places.Service", summary=f"{source}: {created} created, "
                     f"{updated} updated")
    return {"created": created, "updated": updated}


def _is_uuid(text: Any) -> bool:
    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True
