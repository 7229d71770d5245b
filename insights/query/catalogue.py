"""The default view of the figures: the configured region over the latest period the viewer's figures hold."""

from core.release import NotInRelease, current_release
from insights.ingest.manifest import warehouse_summary
from insights.query.access import FigureAccess, for_region
from insights.query.figure_cache import remember
from insights.query.figures import FigureQuery


def default_query(source: str = "police", access: FigureAccess | None = None) -> FigureQuery:
    """The configured region (its local authorities plus its records with no location) over the latest 12
    months the source has data for. A viewer who sees a controlled source through the public release gets the
    release's latest whole calendar year (else financial year) instead."""
    # Every page's filters start here: the summary is kept per state of the data, like the figures.
    summary = next((r for r in remember("warehouse summary", (), warehouse_summary, shared=True)
                    if r["source"] == source), None)
    last = summary["last_month"] if summary else None
    region = for_region(FigureQuery(source))
    if last is None:
        return region
    if access is not None and not access.full(region):
        try:
            release = current_release(source)
        except NotInRelease:
            release = None
        years = [y for y in (release.years if release else []) if "/" not in y] or (release.years if release else [])
        if years:
            from core.periods import Year

            year = Year.parse(years[-1])
            return FigureQuery(source, year.first_month, year.last_month, lad_codes=region.lad_codes,
                               no_location=True, forces=region.forces)
    year, month = int(last[:4]), int(last[5:])
    first_year, first_month = (year, month + 1) if month < 12 else (year + 1, 1)
    return FigureQuery(source, f"{first_year - 1}-{first_month:02d}", last, lad_codes=region.lad_codes,
                       no_location=True, forces=region.forces)
