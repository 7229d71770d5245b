"""The insights app's sources: police.uk street-level crime (open data) and ED assault attendances (controlled).

police.uk publishes every record with its month, type and LSOA, so no count derived from it protects anyone by
being withheld: its figures are published in full. Emergency department (ISTV) data is controlled: the public see
it through the public release only (``core.release``), by year, for the region and its local authorities, by
means of assault, age band, age group and sex.
"""

from core.release import NOT_KNOWN, ReleaseSpec
from core.sources import Source, register

#: ED age bands that make up "aged 24 and under".
YOUNG_AGE_BANDS = ("0-9", "10-17", "18-24")


def age_group(age_band: str | None) -> str:
    """The headline age group of an ED age band: aged 24 and under, 25 and over, or not known."""
    if not age_band or age_band == "unknown":
        return "not known"
    return "24 and under" if age_band in YOUNG_AGE_BANDS else "25 and over"


def _ed_records() -> list[dict]:
    from insights.query.figures import FigureQuery, select

    rows = select(FigureQuery("ed"), """SELECT strftime(e.month, '%Y-%m') AS month, e.lad_code AS lad,
                                               e.assault_method AS type, e.age_band AS age_band, e.sex AS sex,
                                               sum(e.events)::BIGINT AS count
                                        FROM {cube} WHERE {where} GROUP BY ALL ORDER BY ALL""")
    return [{"measure": "attendances", "month": r["month"], "lad": r["lad"], "type": r["type"],
             "age_band": r["age_band"], "age_group": age_group(r["age_band"]), "sex": r["sex"],
             "count": int(r["count"])} for r in rows]


def _ed_months() -> list[str]:
    from insights.models import WarehousePartition

    return sorted(set(WarehousePartition.objects.filter(source="ed", is_current=True)
                      .values_list("month", flat=True)))


def _ed_fingerprint() -> tuple:
    from geography.services.manifest import geography_version
    from insights.ingest.warehouse import current_files

    return tuple(current_files("ed")), geography_version()


register(Source("police", "Police recorded crime (police.uk street-level data)", "police.uk", open_data=True))
register(Source("ed", "Emergency department assault attendances (ISTV)", "the partnership's emergency departments",
                release=ReleaseSpec(
                    measures={"attendances": "Emergency department assault attendances"},
                    breakdowns={"type": "Means of assault", "age_band": "Age band", "age_group": "Age group",
                                "sex": "Sex"},
                    records=_ed_records, months=_ed_months, fingerprint=_ed_fingerprint,
                    # "24 and under" is the sum of its age bands, and a reader knows it: the release audits it.
                    groups={"age_group": ("age_band", lambda band: age_group(None if band == NOT_KNOWN else band))})))
