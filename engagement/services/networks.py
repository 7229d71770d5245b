"""Networks and their members, with join and leave dates, so membership on any date is known.

A member belongs from ``joined_on`` (inclusive) until ``left_on`` (exclusive: the day they left they are no
longer counted), so a member who joins on 31 March counts at the end of that financial year and one who
left on 31 March does not. Memberships an organisation declared itself (the directory's "We are a Faith
Alliance member") wait unconfirmed, and uncounted, until the network's coordinator confirms them.
"""

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from core import audit
from core.problems import InputRejected, Problem
from engagement.models import Network, NetworkMembership
from monitoring.services.periods import financial_year_bounds

FAITH_ALLIANCE_NAME = "Faith Alliance"


def member_on(day: date) -> Q:
    """The condition for a membership that counts on ``day``."""
    return (Q(is_confirmed=True) & Q(joined_on__lte=day)
            & (Q(left_on__isnull=True) | Q(left_on__gt=day)))


def members_on(network: Network, day: date) -> QuerySet[NetworkMembership]:
    return network.memberships.filter(member_on(day))


def membership_in_year(year: int, networks: QuerySet[Network] | None = None) -> list[dict]:
    """Per network: members at the start (1 April) and end (31 March) of financial year ``year``, and how
    many joined and left in it."""
    first, last = financial_year_bounds(year)
    rows = []
    for network in (networks if networks is not None else Network.objects.all()):
        confirmed = network.memberships.filter(is_confirmed=True)
        rows.append({"network": network.name, "kind": network.get_kind_display(),
                     "members_at_start": members_on(network, first).count(),
                     "members_at_end": members_on(network, last).count(),
                     "joined": confirmed.filter(joined_on__gt=first, joined_on__lte=last).count(),
                     "left": confirmed.filter(left_on__gt=first, left_on__lte=last).count()})
    return rows


def _identity(membership: NetworkMembership) -> Q:
    if membership.organisation_id:
        return Q(organisation_id=membership.organisation_id)
    if membership.directory_organisation_id:
        return Q(directory_organisation_id=membership.directory_organisation_id)
    return Q(organisation__isnull=True, directory_organisation__isnull=True, name__iexact=membership.name,
             member_of__iexact=membership.member_of)


@transaction.atomic
def add_member(actor: object, membership: NetworkMembership) -> NetworkMembership:
    """Save a new membership (an organisation, directory organisation or named member), refusing one who is
    already a member on the day they would join."""
    problems = []
    identities = [membership.organisation_id, membership.directory_organisation_id, membership.name.strip()]
    if sum(1 for i in identities if i) != 1:
        problems.append(Problem("member", "give one of: an organisation on the platform, a directory "
                                "organisation, or a name", column="name"))
    if membership.kind == NetworkMembership.Kind.PERSON and not membership.name.strip():
        problems.append(Problem("member", "give the person's name", column="name"))
    if membership.left_on is not None and membership.left_on <= membership.joined_on:
        problems.append(Problem("member", "the day they left is after the day they joined", column="left_on"))
    if not problems:
        overlapping = membership.network.memberships.filter(_identity(membership)).filter(
            Q(left_on__isnull=True) | Q(left_on__gt=membership.joined_on))
        if membership.left_on is not None:
            overlapping = overlapping.filter(joined_on__lt=membership.left_on)
        if overlapping.exists():
            problems.append(Problem("member", f"{membership.member_name} is already a member of "
                                    f"{membership.network.name} then", column="joined_on"))
    if problems:
        raise InputRejected(problems)
    membership.name = membership.name.strip()
    membership.save()
    audit.record(actor, "join", membership, summary=f"{membership.member_name} joined {membership.network.name} "
                 f"on {membership.joined_on}")
    return membership


@transaction.atomic
def record_leaving(actor: object, membership: NetworkMembership, left_on: date) -> NetworkMembership:
    if left_on <= membership.joined_on:
        raise InputRejected([Problem("member", f"{membership.member_name} joined on {membership.joined_on}; the "
                                     "day they left is after that", column="left_on")])
    before = membership.left_on
    membership.left_on = left_on
    membership.save(update_fields=["left_on"])
    audit.record(actor, "leave", membership, changes={"left_on": [str(before) if before else None, str(left_on)]})
    return membership


def faith_alliance() -> Network:
    """The partnership's Faith Alliance network (made when first needed)."""
    found = Network.objects.filter(kind=Network.Kind.FAITH_ALLIANCE).order_by("pk").first()
    return found or Network.objects.create(name=FAITH_ALLIANCE_NAME, kind=Network.Kind.FAITH_ALLIANCE,
                                           description="Faith organisations working with the partnership.")


@transaction.atomic
def declare_faith_alliance_membership(actor: object, directory_organisation: object, declared_on: date
                                      ) -> NetworkMembership:
    """An organisation says, submitting a service to the directory, that it is a Faith Alliance member: the
    membership waits for the network's coordinator to confirm it. Declaring again changes nothing."""
    network = faith_alliance()
    existing = network.memberships.filter(directory_organisation=directory_organisation).filter(
        Q(left_on__isnull=True) | Q(left_on__gt=declared_on)).first()
    if existing is not None:
        return existing
    membership = NetworkMembership.objects.create(
        network=network, kind=NetworkMembership.Kind.ORGANISATION, directory_organisation=directory_organisation,
        joined_on=declared_on, is_confirmed=False, source="declared in the directory")
    audit.record(actor, "declare_membership", membership, summary=f"{directory_organisation} declared itself a "
                 f"member of {network.name}")
    return membership


@transaction.atomic
def decide_declaration(actor: object, membership: NetworkMembership, confirm: bool) -> None:
    """The coordinator confirms a declared membership (it counts from the day it was declared) or rejects it
    (it is removed)."""
    if membership.is_confirmed:
        return
    if confirm:
        membership.is_confirmed = True
        membership.save(update_fields=["is_confirmed"])
        audit.record(actor, "confirm_membership", membership)
    else:
        audit.record(actor, "reject_membership", membership)
        membership.delete()


def faith_alliance_memberships_today(path: str = "") -> Prefetch:
    """A prefetch of each directory organisation's current Faith Alliance membership (as
    ``faith_alliance_now``), for listings that show the flag; ``path`` leads to the organisation."""
    current = NetworkMembership.objects.filter(member_on(timezone.localdate()),
                                               network__kind=Network.Kind.FAITH_ALLIANCE)
    return Prefetch(f"{path}network_memberships", queryset=current, to_attr="faith_alliance_now")


def is_faith_alliance_member(directory_organisation: object, day: date) -> bool:
    return NetworkMembership.objects.filter(member_on(day), network__kind=Network.Kind.FAITH_ALLIANCE,
                                            directory_organisation=directory_organisation).exists()


@transaction.atomic
def create_network(actor: object, network: Network) -> Network:
    network.save()
    audit.record(actor, "create", network)
    return network


@transaction.atomic
def add_members(actor: object, network: Network, memberships: list[NetworkMembership]) -> int:
    """Add many members at once (a list imported from a spreadsheet, the demo), with the same checks as
    ``add_member`` made in memory, and one audit entry; all or nothing."""
    problems = []
    spans: dict[tuple, list[tuple[date, date | None]]] = defaultdict(list)
    for existing in network.memberships.all():
        spans[_key(existing)].append((existing.joined_on, existing.left_on))
    for index, membership in enumerate(memberships, start=1):
        membership.network = network
        identities = [membership.organisation_id, membership.directory_organisation_id, membership.name.strip()]
        if sum(1 for i in identities if i) != 1:
            problems.append(Problem("members", "give one of: an organisation, a directory organisation, a name",
                                    line=index, column="name"))
            continue
        if membership.left_on is not None and membership.left_on <= membership.joined_on:
            problems.append(Problem("members", "the day they left is after the day they joined", line=index,
                                    column="left_on"))
            continue
        key = _key(membership)
        if any(_overlap((membership.joined_on, membership.left_on), span) for span in spans[key]):
            problems.append(Problem("members", f"{membership.member_name} is already a member then", line=index,
                                    column="joined_on"))
            continue
        spans[key].append((membership.joined_on, membership.left_on))
    if problems:
        raise InputRejected(problems)
    NetworkMembership.objects.bulk_create(memberships, batch_size=500)
    audit.record(actor, "add_members", network, summary=f"{len(memberships)} members added to {network.name}",
                 changes={"members": len(memberships)})
    return len(memberships)


def _key(membership: NetworkMembership) -> tuple:
    return (membership.organisation_id, membership.directory_organisation_id, membership.name.strip().casefold(),
            membership.member_of.strip().casefold())


def _overlap(one: tuple[date, date | None], other: tuple[date, date | None]) -> bool:
    """Whether two [joined, left) spans share a day."""
    return (other[1] is None or one[0] < other[1]) and (one[1] is None or other[0] < one[1])
