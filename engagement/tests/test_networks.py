"""Network membership on any date, and the directory's Faith Alliance flag as membership of that network."""

from datetime import date, timedelta

import pytest

from core.problems import InputRejected
from engagement.models import Network, NetworkMembership
from engagement.services.networks import (
    add_member,
    add_members,
    decide_declaration,
    declare_faith_alliance_membership,
    faith_alliance,
    members_on,
    membership_in_year,
    record_leaving,
)

pytestmark = pytest.mark.django_db
START, END = date(2024, 4, 1), date(2025, 3, 31)


def _named(n: int, joined: date, left: date | None = None) -> NetworkMembership:
    return NetworkMembership(kind="person", name=f"Member {n}", role="faith leader", joined_on=joined, left_on=left)


def test_a_network_of_200_on_1_april_and_400_on_31_march_reads_so_on_both_dates() -> None:
    network = faith_alliance()
    members = [_named(n, date(2023, 1, 1) + timedelta(days=n)) for n in range(200)]
    for n, member in enumerate(members[:10]):  # ten leave during the year, one on its last day
        member.left_on = END if n == 0 else START + timedelta(days=30 + n)
    members += [_named(n, START + timedelta(days=1 + (n * 7) % 364)) for n in range(200, 410)]
    members[-1].joined_on = END  # joining on the last day counts at the end
    members.append(_named(999, END + timedelta(days=1)))  # joins the next year
    add_members("test", network, members)
    assert members_on(network, START).count() == 200
    assert members_on(network, END).count() == 400  # 200 - 10 who left + 210 who joined, the last on 31 March
    row = membership_in_year(2024)[0]
    assert (row["members_at_start"], row["members_at_end"], row["joined"], row["left"]) == (200, 400, 210, 10)


def test_membership_counts_from_joining_until_the_day_before_leaving() -> None:
    network = Network.objects.create(name="Local network", kind="local_stakeholder")
    member = add_member("test", _with(network, date(2024, 5, 1)))
    record_leaving("test", member, date(2024, 9, 1))
    assert [members_on(network, d).count() for d in (date(2024, 4, 30), date(2024, 5, 1), date(2024, 8, 31),
                                                      date(2024, 9, 1))] == [0, 1, 1, 0]
    with pytest.raises(InputRejected):
        record_leaving("test", member, date(2024, 5, 1))
    with pytest.raises(InputRejected, match="already a member"):
        add_member("test", _with(network, date(2024, 6, 1)))
    add_member("test", _with(network, date(2024, 9, 1)))  # rejoining after leaving is a new membership
    assert members_on(network, date(2024, 9, 1)).count() == 1


def _with(network: Network, joined: date) -> NetworkMembership:
    return NetworkMembership(network=network, kind="person", name="Rev. Ada Obi", member_of="St Luke's",
                             joined_on=joined)


def test_a_declared_faith_alliance_membership_counts_only_once_confirmed() -> None:
    from places.models import DirectoryOrganisation

    church = DirectoryOrganisation.objects.create(name="St Anne's Church", description="A parish.")
    pending = declare_faith_alliance_membership("public", church, date(2024, 6, 1))
    assert declare_faith_alliance_membership("public", church, date(2024, 7, 1)) == pending
    assert not church.is_faith_alliance_member
    assert members_on(faith_alliance(), date(2024, 7, 1)).count() == 0
    decide_declaration("test", pending, confirm=True)
    assert church.is_faith_alliance_member and members_on(faith_alliance(), date(2024, 7, 1)).count() == 1


def test_the_directory_submission_declares_membership_and_the_listing_shows_it_once_confirmed(client) -> None:
    from places.models import DirectoryOrganisation, Postcode, Service

    Postcode.objects.create(postcode="B12 9QT", latitude=52.4650, longitude=-1.8870)
    response = client.post("/places/directory/submit/", {
        "name": "Prayer and football", "description": "Sunday afternoons.", "organisation_name": "St Anne's Church",
        "organisation_description": "A parish.", "faith_alliance_member": "on", "location_name": "Church hall",
        "postcode": "B12 9QT", "day": "SU", "opens_at": "14:00", "closes_at": "16:00", "season": "all_year"})
    assert response.status_code == 200, response.content
    church = DirectoryOrganisation.objects.get(name="St Anne's Church")
    membership = NetworkMembership.objects.get(directory_organisation=church)
    assert not membership.is_confirmed
    Service.objects.filter(organisation=church).update(moderation=Service.Moderation.PUBLISHED)
    assert "Faith Alliance member" not in client.get("/places/directory/").content.decode()
    decide_declaration("test", membership, confirm=True)
    assert "Faith Alliance member" in client.get("/places/directory/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_the_directory_flag_into_membership() -> None:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    before = [("places", "0001_initial"), ("engagement", "0002_exploitation_and_abuse_framework")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    flagged = old.get_model("places", "DirectoryOrganisation").objects.create(
        name="Central Mosque", description="A mosque.", is_faith_alliance_member=True)
    old.get_model("places", "DirectoryOrganisation").objects.create(name="Chess club", description="Chess.")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from places.models import DirectoryOrganisation

    members = NetworkMembership.objects.filter(network__kind="faith_alliance", is_confirmed=True)
    assert [m.directory_organisation_id for m in members] == [flagged.pk]
    assert DirectoryOrganisation.objects.get(pk=flagged.pk).is_faith_alliance_member
    assert not DirectoryOrganisation.objects.get(name="Chess club").is_faith_alliance_member
