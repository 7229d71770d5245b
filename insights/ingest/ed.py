"""Ingest emergency department assault attendances: a CSV rendering of the ISTV minimum dataset.

The Information Sharing to Tackle Violence standard (ISB 1594, the "Cardiff Model") asks EDs to share,
for each assault attendance: the time and date of arrival, the time and date of the incident, the
location of the incident, and the means of assault. This platform's CSV has one row per attendance:

| column | required | values |
|---|---|---|
| ``treatment_site`` | yes | the ED's ODS site code, e.g. ``RRK97`` |
| ``arrival_datetime`` | yes | ``YYYY-MM-DD HH:MM`` (or ``DD/MM/YYYY HH:MM``) |
| ``incident_datetime`` | no | as above; empty when unknown |
| ``assault_method`` | yes | body part, blunt object, knife or sharp object, firearm, glass or bottle,
  other, unknown |
| ``location_type`` | yes | home, street, licensed premises, school or college, public transport,
  workplace, other, unknown |
| ``incident_lsoa`` | one of | LSOA code where the assault happened |
| ``incident_latitude``, ``incident_longitude`` | one of | WGS84; turned into the LSOA by point-in-polygon, dropped |
| ``age`` or ``age_band`` | yes | whole years (turned into a band and dropped) or one of the bands below |
| ``sex`` | yes | male, female, other, unknown (M/F/U accepted) |

Nothing that could identify a person is kept: exact ages become bands, coordinates become an LSOA, and a
file with a column such as a name, NHS number, date of birth, address or postcode is refused whole.
"""

import csv
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa

from core.files import sha256_of
from core.problems import Problem
from core.sources import CONTROLLED
from geography.services.locate import lsoa_for_points
from geography.tables import normalise_header, open_text
from insights.ingest import staging
from insights.ingest.spec import Check, Column, SourceSpec, register
from insights.ingest.staging import StagedFile
from insights.query.duck import sql_text

AGE_BANDS = ["0-9", "10-17", "18-24", "25-34", "35-49", "50-64", "65+"]
ASSAULT_METHODS = {
    "body part": ["body part", "bodily force", "punch", "kick", "fist", "hands", "feet"],
    "blunt object": ["blunt object", "blunt", "bat", "club"],
    "knife or sharp object": ["knife or sharp object", "knife/sharp object", "knife", "sharp object",
                              "knife/sharp", "blade", "stabbing"],
    "firearm": ["firearm", "gun", "shooting"],
    "glass or bottle": ["glass or bottle", "glass", "bottle", "glass/bottle"],
    "other": ["other"],
    "unknown": ["unknown", "not known", "not stated"],
}
LOCATION_TYPES = {
    "home": ["home", "private dwelling", "dwelling"],
    "street": ["street", "street or public place", "public place", "outdoors"],
    "licensed premises": ["licensed premises", "pub", "bar", "club", "nightclub", "pub/club"],
    "school or college": ["school or college", "school", "college", "educational establishment"],
    "public transport": ["public transport", "bus", "train", "station"],
    "workplace": ["workplace", "work"],
    "other": ["other"],
    "unknown": ["unknown", "not known", "not stated"],
}
SEXES = {"male": ["male", "m"], "female": ["female", "f"], "other": ["other", "o", "indeterminate", "i"],
         "unknown": ["unknown", "u", "not known", "not stated"]}
REQUIRED = ["treatment_site", "arrival_datetime", "assault_method", "location_type", "sex"]
OPTIONAL = ["incident_datetime", "incident_lsoa", "incident_latitude", "incident_longitude", "age", "age_band"]
#: Columns that could identify a person (normalised header → what it is). A file with one is refused.
IDENTIFYING = {
    "name": "a name", "firstname": "a name", "forename": "a name", "surname": "a name", "lastname": "a name",
    "fullname": "a name", "patientname": "a name", "nhsnumber": "an NHS number", "nhsno": "an NHS number",
    "nhs": "an NHS number", "dateofbirth": "a date of birth", "dob": "a date of birth",
    "birthdate": "a date of birth", "postcode": "a postcode", "homepostcode": "a postcode",
    "patientpostcode": "a postcode", "address": "an address", "homeaddress": "an address",
    "addressline1": "an address", "telephone": "a phone number", "phone": "a phone number",
    "email": "an email address", "hospitalnumber": "a hospital number", "mrn": "a hospital number",
}


def identifying_columns(header: list[str]) -> list[tuple[str, str]]:
    """The header's columns that could identify a person, with what they are."""
    return [(h, IDENTIFYING[normalise_header(h)]) for h in header if normalise_header(h) in IDENTIFYING]


def _canonical_sql(column: str, vocabulary: dict[str, list[str]]) -> str:
    cases = " ".join(f"WHEN {sql_text(s)} THEN {sql_text(canon)}"
                     for canon, synonyms in vocabulary.items() for s in synonyms)
    return f"CASE lower(trim({column})) {cases} END"


def _datetime_sql(column: str) -> str:
    formats = ["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"]
    return "coalesce(" + ", ".join(f"TRY_STRPTIME(trim({column}), '{f}')" for f in formats) + ")"


def _age_band_sql() -> str:
    return """CASE
        WHEN TRY_CAST(age AS INTEGER) IS NOT NULL THEN CASE
            WHEN TRY_CAST(age AS INTEGER) < 10 THEN '0-9' WHEN TRY_CAST(age AS INTEGER) < 18 THEN '10-17'
            WHEN TRY_CAST(age AS INTEGER) < 25 THEN '18-24' WHEN TRY_CAST(age AS INTEGER) < 35 THEN '25-34'
            WHEN TRY_CAST(age AS INTEGER) < 50 THEN '35-49' WHEN TRY_CAST(age AS INTEGER) < 65 THEN '50-64'
            ELSE '65+' END
        WHEN trim(age_band) IN (""" + ", ".join(f"'{b}'" for b in AGE_BANDS) + """) THEN trim(age_band)
        END"""


def row_checks() -> list[tuple[str, str]]:
    """(column, SQL giving a message or NULL) for each rule an attendance must keep."""
    def vocabulary_check(column: str, vocabulary: dict[str, list[str]]) -> str:
        allowed = ", ".join(vocabulary)
        return (f"CASE WHEN ({_canonical_sql(column, vocabulary)}) IS NULL THEN "
                f"{sql_text(column + ' ')} || coalesce('''' || {column} || '''', '(empty)') || "
                f"{sql_text(' is not one of: ' + allowed)} END")

    return [
        ("treatment_site", "CASE WHEN coalesce(trim(treatment_site), '') = '' THEN 'treatment site is missing' END"),
        ("arrival_datetime", f"""CASE WHEN ({_datetime_sql('arrival_datetime')}) IS NULL THEN 'arrival date-time '
                                 || coalesce('''' || arrival_datetime || '''', '(empty)')
                                 || ' is not YYYY-MM-DD HH:MM' END"""),
        ("incident_datetime", f"""CASE WHEN coalesce(trim(incident_datetime), '') <> ''
                                  AND ({_datetime_sql('incident_datetime')}) IS NULL THEN 'incident date-time '''
                                  || incident_datetime || ''' is not YYYY-MM-DD HH:MM' END"""),
        ("assault_method", vocabulary_check("assault_method", ASSAULT_METHODS)),
        ("location_type", vocabulary_check("location_type", LOCATION_TYPES)),
        ("sex", vocabulary_check("sex", SEXES)),
        ("age", f"""CASE WHEN ({_age_band_sql()}) IS NULL THEN 'age '
                    || coalesce('''' || coalesce(NULLIF(age, ''), age_band) || '''', '(empty)')
                    || ' is neither whole years nor one of the bands {", ".join(AGE_BANDS)}'
                    WHEN TRY_CAST(age AS INTEGER) NOT BETWEEN 0 AND 120 THEN 'age ' || age || ' is not 0–120' END"""),
        ("incident_lsoa", """CASE WHEN coalesce(incident_lsoa, '') <> ''
                             AND NOT regexp_full_match(incident_lsoa, '[EW]01\\d{6}')
                             THEN 'incident LSOA ''' || incident_lsoa || ''' is not an ONS LSOA code' END"""),
        ("incident_longitude", staging.coordinate_check("incident_longitude", "incident_latitude")),
    ]


#: The ISTV CSV: controlled (it reaches the public only through the public release). Partitions are (arrival
#: month, treatment site); coordinates locate a row while it is staged and are not landed.
ISTV = register(SourceSpec(
    format="istv-csv", source="ed", disclosure=CONTROLLED, fields=tuple(REQUIRED + OPTIONAL),
    columns=(
        Column("site_code", "text", sql="upper(trim(treatment_site))"),
        Column("arrival_at", "timestamp", sql=_datetime_sql("arrival_datetime")),
        Column("incident_at", "timestamp", sql=_datetime_sql("incident_datetime")),
        Column("month", "month", sql=f"date_trunc('month', {_datetime_sql('arrival_datetime')})"),
        Column("assault_method", "text", sql=_canonical_sql("assault_method", ASSAULT_METHODS)),
        Column("location_type", "text", sql=_canonical_sql("location_type", LOCATION_TYPES)),
        Column("lsoa_code", "text", sql="NULLIF(trim(incident_lsoa), '')"),
        Column("age_band", "text", sql=_age_band_sql()),
        Column("sex", "text", sql=_canonical_sql("sex", SEXES)),
        Column("longitude", "number", "incident_longitude"),
        Column("latitude", "number", "incident_latitude"),
    ),
    checks=tuple(Check(column, sql) for column, sql in row_checks()),
    provider="site_code", location=("lsoa_code", "longitude"), drop=("longitude", "latitude")))


def stage_ed_file(con, path: Path, index: int) -> StagedFile:
    name = str(path)
    checksum = sha256_of(path)
    if path.stat().st_size == 0:
        return StagedFile(name, path, checksum, None, problems=[Problem(name, "the file is empty", 1)])
    try:
        header = [h.strip() for h in next(csv.reader(open_text(path)), [])]
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        return StagedFile(name, path, checksum, None, problems=[Problem(name, f"cannot be read: {exc}")])
    refused = identifying_columns(header)
    if refused:
        return StagedFile(name, path, checksum, None, problems=[
            Problem(name, f"this column holds {what}, which could identify a person; remove it and ingest again "
                          "(nothing from this file was stored)", 1, column) for column, what in refused])
    problems = [Problem(name, "missing column", 1, c) for c in REQUIRED if c not in header]
    if "age" not in header and "age_band" not in header:
        problems.append(Problem(name, "missing column: give age (years) or age_band", 1, "age"))
    if "incident_lsoa" not in header and not {"incident_latitude", "incident_longitude"} <= set(header):
        problems.append(Problem(name, "missing column: give incident_lsoa or incident_latitude and "
                                      "incident_longitude", 1, "incident_lsoa"))
    problems += [Problem(name, "unexpected column (see the ISTV CSV columns in docs/data.md)", 1, c)
                 for c in header if c not in REQUIRED + OPTIONAL]
    if problems:
        return StagedFile(name, path, checksum, None, problems=problems)
    staged = staging.stage(con, ISTV, name, path, checksum, index, header=header)
    if staged.table:
        _locate(con, staged)
    return staged


def _locate(con, staged: StagedFile) -> None:
    """Give rows with coordinates and no LSOA their LSOA by point-in-polygon."""
    rows = con.execute(f"""SELECT _line, longitude, latitude FROM {staged.table}
                           WHERE lsoa_code IS NULL AND longitude IS NOT NULL AND _problem IS NULL""").fetchall()
    if not rows:
        return
    codes = lsoa_for_points([r[1] for r in rows], [r[2] for r in rows])
    if codes is None:
        message = "coordinates given but no LSOA boundaries are loaded; run `vrp geography boundaries` first"
        codes = [None] * len(rows)
    else:
        message = "coordinates fall in no loaded LSOA boundary"
    located = pa.table({"_line": [r[0] for r in rows], "code": codes})
    con.register("located", located)
    con.execute(f"""UPDATE {staged.table} SET lsoa_code = located.code,
                    _problem = CASE WHEN located.code IS NULL THEN 'incident_longitude' || chr(30) || ? END
                    FROM located WHERE {staged.table}._line = located._line""", [message])
    con.unregister("located")
    for line, code in zip((r[0] for r in rows), codes, strict=True):
        if code is None:
            staged.problems.append(Problem(staged.name, message, int(line), "incident_longitude"))
            staged.rows_with_problems += 1
    staged.problems.sort(key=lambda p: p.line or 0)


def ingest_ed(paths: Iterable[Path], actor: object = "cli", accept_partial: bool = False,
              progress: Callable[[Iterable], Iterable] | None = None,
              replace_smaller: bool = False) -> staging.IngestSummary:
    """Ingest ISTV CSV files as one batch; partitions are (arrival month, treatment site). A month and site held
    already is not replaced by one with more than 1% fewer rows unless ``replace_smaller``."""
    def stage_all(con, workdir: Path):
        files = [Path(p) for p in paths]
        expanded = [c for p in files for c in (sorted(p.glob("*.csv")) if p.is_dir() else [p])]
        missing = [Problem(str(p), "file not found") for p in expanded if not p.exists()]
        present = [p for p in expanded if p.exists()]
        staged = [stage_ed_file(con, p, i) for i, p in enumerate(progress(present) if progress else present)]
        return staged, [], missing

    return staging.run_batch(ISTV, stage_all, actor, accept_partial, replace_smaller=replace_smaller)
