"""The directory's Faith Alliance flag becomes membership of the Faith Alliance network (engagement): each
flagged organisation becomes a confirmed member from the day this runs (the flag held no date), then the
flag goes; the directory shows membership from the network."""

from django.db import migrations
from django.utils import timezone


def flags_to_memberships(apps, schema_editor):
    DirectoryOrganisation = apps.get_model("places", "DirectoryOrganisation")
    Network = apps.get_model("engagement", "Network")
    Membership = apps.get_model("engagement", "NetworkMembership")
    flagged = list(DirectoryOrganisation.objects.filter(is_faith_alliance_member=True))
    if not flagged:
        return
    network = Network.objects.filter(kind="faith_alliance").order_by("pk").first() or Network.objects.create(
        name="Faith Alliance", kind="faith_alliance", description="Faith organisations working with the partnership.")
    today = timezone.localdate()
    Membership.objects.bulk_create([Membership(network=network, kind="organisation", directory_organisation=o,
                                               joined_on=today, is_confirmed=True, source="directory flag")
                                    for o in flagged])


def memberships_to_flags(apps, schema_editor):
    DirectoryOrganisation = apps.get_model("places", "DirectoryOrganisation")
    Membership = apps.get_model("engagement", "NetworkMembership")
    members = Membership.objects.filter(network__kind="faith_alliance", is_confirmed=True, left_on__isnull=True,
                                        directory_organisation__isnull=False).values_list("directory_organisation_id",
                                                                                          flat=True)
    DirectoryOrganisation.objects.filter(pk__in=list(members)).update(is_faith_alliance_member=True)


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial"), ("engagement", "0001_initial")]
    operations = [
        migrations.RunPython(flags_to_memberships, memberships_to_flags),
        migrations.RemoveField(model_name="directoryorganisation", name="is_faith_alliance_member"),
    ]
