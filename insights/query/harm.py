"""Harm weighting: counting crimes by how much harm they do, not just how many there are.

Two published schemes weight an offence by the sentence it typically attracts:

* the ONS **Crime Severity Score** (experimental statistics, ONS 2016–): a weight per Home Office offence
  code, from average sentencing in days of custody (custodial and non-custodial sentences converted);
* the **Cambridge Crime Harm Index** (Sherman, Neyroud & Neyroud 2016, "The Cambridge Crime Harm Index:
  measuring total harm from crime based on sentencing guidelines", *Policing* 10(3), 171–183): the
  starting-point days of imprisonment in the Sentencing Council's guidelines for a first offender.

Both publish weights per offence; police.uk publishes only 14 crime types. So the weight of a crime type
is the mean weight of the offences it groups, each offence weighted by how often it is recorded (Home
Office police recorded crime by offence code, which names each code's police.uk category; the 2017/18
table in ``shared/data/police-recorded-crime`` is one). ``derive_type_weights`` does that; analysts can
also load per-type weights directly.

The platform ships no weights: the tables are published by ONS and the Cambridge Centre for Evidence-Based
Policing, and an analyst loads the edition they use (``vrp harm_weights import``), which is recorded as the
source. Anti-social behaviour incidents are not notifiable offences and neither scheme weights them: they
count 0.
"""

from collections import defaultdict
from pathlib import Path

from django.db import transaction

from core import audit
from core.problems import InputRejected, Problem
from geography.tables import Table, parse_number, read_tables
from insights.ingest.police_uk_format import ANTI_SOCIAL_BEHAVIOUR, CRIME_TYPES
from insights.models import HarmWeight

#: Category names in Home Office tables that differ from police.uk's crime types.
CATEGORY_ALIASES = {"public order offences": "Public order", "miscellaneous crimes": "Other crime",
                    "violent crime": "Violence and sexual offences"}


def crime_type_of(category: str) -> str | None:
    """The police.uk crime type a Home Office category names (case and wording differ), or None."""
    text = " ".join(category.split()).lower()
    for name in CRIME_TYPES.values():
        if name.lower() == text:
            return name
    return CATEGORY_ALIASES.get(text)


def derive_type_weights(offence_weights: dict[str, float], offence_counts: list[tuple[str, str, float]]
                        ) -> dict[str, tuple[float, int]]:
    """Per police.uk crime type: (count-weighted mean weight of its offences, offences averaged over).

    ``offence_counts`` rows are (offence code, police.uk category, recorded offences). Offences with no
    weight in ``offence_weights`` are left out of the mean (the caller reports them).
    """
    harm: dict[str, float] = defaultdict(float)
    counted: dict[str, float] = defaultdict(float)
    for code, category, count in offence_counts:
        crime_type = crime_type_of(category)
        if crime_type is None or code not in offence_weights or count <= 0:
            continue
        harm[crime_type] += offence_weights[code] * count
        counted[crime_type] += count
    return {t: (harm[t] / counted[t], int(counted[t])) for t in counted}


def _columns(table: Table, wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    header = [h.strip().lower().replace(" ", "_") for h in table.header]
    found, problems = {}, []
    for key, names in wanted.items():
        index = next((header.index(n) for n in names if n in header), None)
        if index is None:
            problems.append(Problem(table.source, f"no {key} column (looked for {', '.join(names)})", line=1))
        found[key] = index
    if problems:
        raise InputRejected(problems)
    return found


def read_weights(path: Path, key_names: tuple[str, ...]) -> dict[str, float]:
    """A two-column weights table: key (offence code or crime type) → weight, every bad row named."""
    table = read_tables(path)[0]
    columns = _columns(table, {"key": key_names, "weight": ("weight", "css_weight", "chi_weight", "harm_weight")})
    weights, problems = {}, []
    for line, row in zip(table.lines, table.rows, strict=True):
        key = row[columns["key"]].strip() if columns["key"] < len(row) else ""
        text = row[columns["weight"]].strip() if columns["weight"] < len(row) else ""
        if not key and not text:
            continue
        try:
            weight = parse_number(text)
        except ValueError:
            weight = None
        if not key:
            problems.append(Problem(table.source, "the key is blank", line=line, column=table.header[columns["key"]]))
        elif weight is None or weight < 0:
            problems.append(Problem(table.source, f"{text!r} is not a weight (a number, 0 or more)", line=line,
                                    column=table.header[columns["weight"]]))
        elif key in weights:
            problems.append(Problem(table.source, f"{key!r} is given twice", line=line))
        else:
            weights[key] = weight
    if problems:
        raise InputRejected(problems)
    return weights


def read_offence_counts(path: Path) -> list[tuple[str, str, float]]:
    """(offence code, police.uk category, offences) rows of a Home Office police recorded crime table."""
    table = read_tables(path)[0]
    columns = _columns(table, {"code": ("offence_code",), "category": ("policeuk_cat", "police.uk_cat"),
                               "count": ("number_of_offences", "offences", "count")})
    rows = []
    problems = []
    for line, row in zip(table.lines, table.rows, strict=True):
        try:
            count = parse_number(row[columns["count"]]) if columns["count"] < len(row) else None
        except ValueError:
            problems.append(Problem(table.source, f"{row[columns['count']]!r} is not a number of offences",
                                    line=line, column=table.header[columns["count"]]))
            continue
        if count is not None:
            rows.append((row[columns["code"]].strip(), row[columns["category"]].strip(), count))
    if problems:
        raise InputRejected(problems)
    return rows


def import_harm_weights(scheme: str, path: Path, actor: object, counts_path: Path | None = None,
                        source: str = "") -> dict[str, float]:
    """Load a scheme's weights, replacing its previous table in one transaction.

    With ``counts_path`` the file holds weights per offence code (``offence_code,weight``) and type weights
    are derived from it; without, it holds weights per police.uk crime type (``crime_type,weight``).
    Returns crime type → weight.
    """
    if scheme not in HarmWeight.Scheme.values:
        raise InputRejected([Problem(path.name, f"the scheme is css or chi, not {scheme!r}")])
    offences: dict[str, int | None] = {}
    if counts_path is not None:
        derived = derive_type_weights(read_weights(path, ("offence_code", "code", "ho_offence_code")),
                                      read_offence_counts(counts_path))
        weights = {t: w for t, (w, _) in derived.items()}
        offences = {t: n for t, (_, n) in derived.items()}
    else:
        given = read_weights(path, ("crime_type", "type", "category"))
        unknown = [k for k in given if crime_type_of(k) is None]
        if unknown:
            raise InputRejected([Problem(path.name, f"{k!r} is not a police.uk crime type "
                                         f"({', '.join(CRIME_TYPES.values())})", column="crime_type")
                                 for k in unknown])
        weights = {crime_type_of(k): w for k, w in given.items()}
    weights.setdefault(ANTI_SOCIAL_BEHAVIOUR, 0.0)
    label = source or f"{path.name}" + (f", averaged over offences in {counts_path.name}" if counts_path else "")
    with transaction.atomic():
        HarmWeight.objects.filter(scheme=scheme).delete()
        HarmWeight.objects.bulk_create([HarmWeight(scheme=scheme, crime_type=t, weight=w, offences=offences.get(t),
                                                   source=label[:300]) for t, w in sorted(weights.items())])
        audit.record(actor, "import", object_type="insights.HarmWeight", object_id=scheme,
                     summary=f"{scheme} weights for {len(weights)} crime types from {label}"[:300])
    return weights


def harm_weights(scheme: str) -> dict[str, float]:
    """The loaded weights of ``scheme`` (crime type → weight); refuses a scheme that has none loaded."""
    weights = dict(HarmWeight.objects.filter(scheme=scheme).values_list("crime_type", "weight"))
    if not weights:
        raise InputRejected([Problem("weights", f"no {scheme} harm weights are loaded; an analyst loads the "
                                     "published table with `vrp harm_weights import`", column="weights")])
    return weights


def weighted_counts(counts_by_type: list[dict], weights: dict[str, float]) -> dict[str, float]:
    """Harm per LSOA from rows of (lsoa, crime_type, count); a type without a weight is refused, by name."""
    missing = sorted({r["crime_type"] for r in counts_by_type if r["crime_type"] not in weights})
    if missing:
        raise InputRejected([Problem("weights", f"the loaded weights have none for {', '.join(missing)}",
                                     column="crime_type")])
    harm: dict[str, float] = defaultdict(float)
    for r in counts_by_type:
        harm[r["lsoa"]] += r["count"] * weights[r["crime_type"]]
    return dict(harm)
