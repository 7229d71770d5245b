"""``{% demo_banner "page" %}``: the note on every page, report and export of a demonstration region saying which
figures are real and which are synthetic (nothing for a real region)."""

from django import template
from django.utils.html import format_html

from core.region import current_region

register = template.Library()

REAL = ("Real: the areas and population (ONS, Census 2021), deprivation (IMD 2025), schools (DfE) and police "
        "recorded crime (police.uk counts by neighbourhood, crime type and month; Open Government Licence).")
SYNTHETIC = ("Synthetic, generated for the demonstration and describing no real person, service or event: "
             "emergency department attendances, funders, projects and monitoring returns, incidents, walking "
             "routes, directory services, the strategy, training, events and networks.")


@register.simple_tag
def demo_banner(what: str = "page") -> str:
    """The banner for ``what`` (page, report, story) when the current region is a demonstration; else ""."""
    region = current_region()
    if not region.is_synthetic:
        return ""
    # GOV.UK Frontend's inset text on the site; "banner" for the report's and the exported story's own stylesheets.
    opening = '<p class="govuk-inset-text banner" role="note">'
    if region.is_real_place:
        return format_html(opening + '<strong>Demonstration {}: real and synthetic data.</strong> {} {}</p>',
                           what, REAL, SYNTHETIC)
    return format_html(opening + '<strong>Synthetic data.</strong> This {} describes a generated demonstration '
                       'region and all its figures are generated; they describe no real place or person.</p>', what)
