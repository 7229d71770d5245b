"""The partners app's figures in the registry (``core.figures``): success measures, stop and search, crimes'
outcomes and indicator values. Open figures (police.uk stop and search, outcomes) are published in full;
success measures and indicator values are controlled: a viewer not entitled to them gets counts from the
public release only (``partners.services.success``), and indicator values are refused to them."""

from __future__ import annotations

from dataclasses import dataclass

from core.figures import CONTROLLED, OPEN, Column, Figure, register
from core.periods import Year
from core.problems import Refused


@dataclass(frozen=True)
class PartnerQuery:
    """What a partners page asks for: a year (success measures), an area, a force and months (searches)."""

    year: Year | None = None
    area: str | None = None
    force: str | None = None
    month_from: str | None = None
    month_to: str | None = None
    indicator: str | None = None
    areas: tuple[str, ...] = ()  # the areas a partner may see indicator values for (empty: every area)


#: Column headings in words (a key's own words where it reads well); never "Lower ci95".
HEADINGS = {"lower_ci95": "Lower 95% confidence limit", "upper_ci95": "Upper 95% confidence limit",
            "change_since_baseline_percent": "Change since the baseline (%)", "under_25_count": "Aged under 25",
            "under_25_baseline_count": "Aged under 25, baseline", "area_code": "Area code",
            "period_kind": "Kind of period"}


def _column(key: str) -> Column:
    return Column(key, HEADINGS.get(key) or key.replace("_", " ").capitalize())


def _success(params: PartnerQuery, access) -> list[dict]:
    from partners.services.success import success_measures

    return success_measures(params.year or Year(2024, financial=True), params.area, access)


def _by_object(params: PartnerQuery, access) -> list[dict]:
    from partners.services.searches import searches_by_object

    return searches_by_object(params.force, params.month_from, params.month_to, params.area)


def _weapons_by_age(params: PartnerQuery, access) -> list[dict]:
    from partners.services.searches import searches_by
    from partners.services.stop_search import OFFENSIVE_WEAPONS

    return searches_by("age_range", params.force, params.month_from, params.month_to, OFFENSIVE_WEAPONS, params.area)


def _outcomes(params: PartnerQuery, access) -> list[dict]:
    from partners.services.searches import crime_outcomes

    return crime_outcomes(params.force, params.month_from, params.month_to)


def _indicator_values(params: PartnerQuery, access) -> list[dict]:
    from partners.models import IndicatorValue

    if access is None:
        raise Refused("Indicator values are controlled figures; their counts are public through the public "
                      "release of partners' indicators.")
    values = IndicatorValue.objects.select_related("indicator").order_by("indicator__key", "area_code",
                                                                         "first_month", "age_band", "sex")
    if params.indicator:
        values = values.filter(indicator__key=params.indicator)
    if params.areas:
        values = values.filter(area_code__in=params.areas)
    return [{"indicator": v.indicator.key, "name": v.indicator.name, "area_code": v.area_code,
             "area_name": v.area_name, "period": v.period, "period_kind": v.period_kind, "age_band": v.age_band,
             "sex": v.sex, "category": v.category, "count": v.count, "denominator": v.denominator,
             "value": v.value, "unit": v.indicator.unit, "lower_ci95": v.lower_ci95, "upper_ci95": v.upper_ci95,
             "source": v.source} for v in values[:50_000]]


SUCCESS = register(Figure(
    "success_measures", "partners", "Home Office success measures",
    "Each measure from the best source loaded: an indicator where one is loaded for it, a proxy (said so) only "
    "where none is; change since the partnership's baseline year; under-25s where the source has age; for a "
    "local authority, the average of its most similar local authorities.",
    tuple(_column(k) for k in (
        "measure", "source", "proxy", "area", "period", "count", "value", "unit", "lower_ci95", "upper_ci95",
        "baseline_period", "baseline_count", "baseline_value", "change_since_baseline_percent", "under_25_count",
        "under_25_baseline_count", "comparison_areas", "comparison_basis", "comparison_value")),
    _success, disclosure=CONTROLLED))
BY_OBJECT = register(Figure(
    "stop_search_by_object", "partners", "Stop and search by object of search",
    "Searches by what the officer searched for; an action is any outcome other than no further action.",
    (Column("object_of_search", "Object of search"), Column("searches", "Searches"),
     Column("action_taken", "Outcome other than no further action"), Column("action_rate", "Action rate", "%"),
     Column("arrests", "Arrests"), Column("arrest_rate", "Arrest rate", "%"),
     Column("outcome_linked", "Outcome linked to the object of search")),
    _by_object, disclosure=OPEN))
WEAPONS_BY_AGE = register(Figure(
    "stop_search_weapons_by_age", "partners", "Searches for offensive weapons by age range",
    "Stop and search for offensive weapons by the age range police.uk publishes (10-17 and 18-24 are the "
    "under-25s).", (Column("age_range", "Age range"), Column("searches", "Searches")),
    _weapons_by_age, disclosure=OPEN))
OUTCOMES = register(Figure(
    "crime_outcomes", "partners", "Crimes and their latest outcome",
    "police.uk street-level crimes linked to the outcomes files by Crime ID: each crime's latest outcome.",
    (Column("crime_type", "Crime type"), Column("latest_outcome", "Latest outcome"), Column("crimes", "Crimes")),
    _outcomes, disclosure=OPEN))
INDICATOR_VALUES = register(Figure(
    "indicator_values", "partners", "Partners' indicators",
    "Every value loaded, with its unit and 95% confidence limits, as its publisher gave it.",
    tuple(_column(k) for k in (
        "indicator", "name", "area_code", "area_name", "period", "period_kind", "age_band", "sex", "category",
        "count", "denominator", "value", "unit", "lower_ci95", "upper_ci95", "source")),
    _indicator_values, disclosure=CONTROLLED))
