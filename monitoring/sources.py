"""The monitoring app's source: provider returns (reach and professionals trained), a controlled source.

The public see reach only through the public release (``core.release``): by financial and calendar year, for
the region and each of its local authorities, by theme. Each accepted return of a published project is one
record: in the project's local authority when it serves exactly one (of the region), else in no single
authority (``no location`` in the release: projects serving several authorities, or none named), which counts
in the region. So the local authorities and ``no location`` add up to the region, and the release audits that
line. (Counting a project serving several authorities in each of them, as the reach pages do for staff, made
the authorities' figures not add up, so the release could not audit the line; but the public project list says
which authorities each project serves, and where every project of a theme serves one, a reader knows the line
holds: on the synthetic demo that pinned 15 withheld cells, e.g. a reach of 1 to 1–6.)
"""

from core.release import ReleaseSpec
from core.sources import Source, register

MEASURE_LABELS = {"reach_under_25": "Young people aged 24 and under reached",
                  "reach_over_24": "People over 24 reached", "professionals_trained": "Professionals trained"}


def _accepted():
    from monitoring.models import MonitoringReturn

    return MonitoringReturn.objects.filter(status=MonitoringReturn.Status.ACCEPTED, project__is_published=True)


def _records() -> list[dict]:
    from core.region import current_region
    from insights.query.areas import local_authority_of
    from monitoring.services.reach import return_reach

    region = set(current_region().lad_codes)
    records = []
    for monitoring_return, values in return_reach(_accepted()):
        project = monitoring_return.project
        lads = {local_authority_of(code) for code in project.area_codes or []} - {None}
        lad = next(iter(lads)) if len(lads) == 1 and lads <= region else None
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
                                    months=_months, fingerprint=_fingerprint)))
