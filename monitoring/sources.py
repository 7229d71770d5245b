"""The monitoring app's source: provider returns (reach and professionals trained), a controlled source.

The public see reach only through the public release (``core.release``): by financial and calendar year, for
the region and each local authority a published project serves, by theme. A project serving several local
authorities counts its whole reach in each (as the reach pages count it), so the authorities' figures do not
add up to the region's: each accepted return is one record for the region and one for each area it serves.
"""

from core.release import REGION, ReleaseSpec
from core.sources import Source, register

MEASURE_LABELS = {"reach_under_25": "Young people aged 24 and under reached",
                  "reach_over_24": "People over 24 reached", "professionals_trained": "Professionals trained"}


def _accepted():
    from monitoring.models import MonitoringReturn

    return MonitoringReturn.objects.filter(status=MonitoringReturn.Status.ACCEPTED, project__is_published=True)


def _records() -> list[dict]:
    from insights.query.areas import local_authority_of
    from monitoring.services.reach import return_reach

    records = []
    for monitoring_return, values in return_reach(_accepted()):
        project = monitoring_return.project
        lads = sorted({local_authority_of(code) for code in project.area_codes or []} - {None})
        for lad in [REGION, *lads]:
            for measure, count in values.items():
                records.append({"measure": measure, "month": monitoring_return.period_start.strftime("%Y-%m"),
                                "lad": lad, "theme": project.get_theme_display(), "count": count})
    return records


def _months() -> list[str]:
    from core.periods import months_between

    bounds = [(r.period_start.strftime("%Y-%m"), r.period_end.strftime("%Y-%m"))
              for r in _accepted().only("period_start", "period_end")]
    if not bounds:
        return []
    return months_between(min(b[0] for b in bounds), max(b[1] for b in bounds))


def _fingerprint() -> tuple:
    """Changes whenever an accepted return, its reach counts, a project or the geography does (``_records``
    reads nothing else): the columns the records are computed from, read straight from the tables."""
    from commissioning.models import Project
    from core.release import rows_fingerprint
    from geography.services.manifest import geography_version
    from monitoring.models import MonitoringReturn, ReachCount

    accepted = MonitoringReturn.Status.ACCEPTED
    return (rows_fingerprint(MonitoringReturn.objects.filter(status=accepted), "project_id", "period_start",
                             "period_end", "professionals_trained"),
            rows_fingerprint(ReachCount.objects.filter(monitoring_return__status=accepted), "monitoring_return_id",
                             "age_band", "participation", "count"),
            rows_fingerprint(Project.objects.all(), "is_published", "theme", "area_codes"),
            geography_version())


register(Source("returns", "Provider monitoring returns (reach and professionals trained)",
                "the partnership's commissioned providers",
                release=ReleaseSpec(measures=MEASURE_LABELS, breakdowns={"theme": "Theme"}, records=_records,
                                    months=_months, areas_add_up=False, fingerprint=_fingerprint)))
