"""A source described once: the fields its files hold, the columns the warehouse keeps, the rules a row must
keep, who provided each row, and who may see it.

A ``SourceSpec`` is all the staging code (``insights.ingest.staging``) needs to read, check and land a source's
files: each source module declares one (``police_uk.STREET``, ``counts.COUNTS``, ``ed.ISTV``, ...) and passes
it to ``staging.stage`` / ``bulk.stage_csv_files`` / ``staging.run_batch``. A spec is checked when it is
defined: a column of an unknown type, a provider, identifier, location or dropped column the spec does not
keep, a check of a field the files do not have, or a disclosure class that is neither ``open`` nor
``controlled`` is refused there, not on the first file. ``CONTRIBUTING.md`` ("Adding a source") walks
through a new one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from core.sources import CLASSES
from insights.query.duck import sql_text

#: The types a warehouse column may have, and the DuckDB type each is stored as.
COLUMN_TYPES = {
    "text": "VARCHAR",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "month": "DATE",  # the first day of the month: every partition is a month
    "timestamp": "TIMESTAMP",
    "timestamptz": "TIMESTAMPTZ",
}
#: How a field of the file (read as text) becomes a column of each type when the column gives no SQL of its
#: own. Empty text is missing; text that is not of the type is missing too (a check names it).
READERS = {
    "text": "NULLIF({field}, '')",
    "number": "TRY_CAST(NULLIF({field}, '') AS DOUBLE)",
    "integer": "TRY_CAST(NULLIF({field}, '') AS BIGINT)",
    "boolean": "CASE lower(coalesce({field}, '')) WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END",
    "date": "TRY_CAST(NULLIF({field}, '') AS DATE)",
    "month": "TRY_CAST({field} || '-01' AS DATE)",
    "timestamp": "TRY_CAST(NULLIF({field}, '') AS TIMESTAMP)",
    "timestamptz": "TRY_CAST({field} AS TIMESTAMPTZ)",
}
NAME = re.compile(r"[a-z_][a-z0-9_]*")


def quoted(field: str) -> str:
    """``field`` as a SQL identifier (police.uk's fields have spaces: ``"Crime ID"``)."""
    return '"' + field.replace('"', '""') + '"'


@dataclass(frozen=True)
class Column:
    """One column the warehouse keeps: its name, its type, and where its value comes from.

    The value is the file's ``field`` (by default the field of the column's own name) read as ``type`` reads
    text (``READERS``), or ``sql``: an expression over the row's fields, for a value that is more than a read
    (a force named by the file, a band made from an age). Either way it is stored as the type says.
    """

    name: str
    type: str
    field: str | None = None
    sql: str | None = None

    def __post_init__(self) -> None:
        if not NAME.fullmatch(self.name):
            raise ValueError(f"column {self.name!r}: a warehouse column is named in lower case, digits and _")
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.name!r}: unknown type {self.type!r} (one of {', '.join(COLUMN_TYPES)})")
        if self.field is not None and self.sql is not None:
            raise ValueError(f"column {self.name!r}: give the field it is read from or SQL, not both")

    @property
    def source_field(self) -> str | None:
        """The file's field the column is read from, or None when it is computed by ``sql``."""
        return None if self.sql is not None else (self.field or self.name)

    def select_sql(self) -> str:
        """The column in a SELECT over the file's fields: its value, stored as its type, under its name."""
        value = self.sql if self.sql is not None else READERS[self.type].format(field=quoted(self.source_field))
        return f"CAST(({value}) AS {COLUMN_TYPES[self.type]}) AS {self.name}"


@dataclass(frozen=True)
class Check:
    """A rule each row must keep: SQL over the row's fields giving a message when the row breaks it (NULL when
    it keeps it). A broken rule is a problem named by the file, the line and ``column``, the field it is about."""

    column: str
    sql: str


@dataclass(frozen=True)
class SourceSpec:
    """Everything staging needs to know about one kind of file.

    * ``format``: what the files are, as the batch records it (``police-uk-csv``); the spec's name.
    * ``source``: the warehouse source the rows land in (``police``); several formats may land in one source.
    * ``disclosure``: the source's class when no setting changes it, ``open`` or ``controlled``
      (``core.sources``; the registered ``Source`` must say the same).
    * ``fields``: the file's fields, in order; every one is read as text, with no guessing of types
      (``read_options``), so a check, not the reader, decides what is wrong.
    * ``columns``: what the warehouse keeps of a row, typed; one must be ``month`` (partitions are months).
    * ``checks``: the rules a row must keep.
    * ``provider``: the column naming who provided the row (a partition is a month and a provider).
    * ``identifier``: the column identifying a record, when the source has one: rows without it are counted.
    * ``location``: the columns that locate a row; a row with all of them empty is kept and counted.
    * ``drop``: columns used while staging (coordinates turned into an LSOA) and not landed.
    * ``file_name``: a pattern the file's name matches; each named group ``g`` is a field ``g_in_name`` of
      every row of the file (police.uk names the force and month in the name).
    * ``count_field``: for counts files, the field holding how many records a row stands for: a valid row of
      count n lands as n records.
    """

    format: str
    source: str
    disclosure: str
    columns: tuple[Column, ...]
    fields: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()
    provider: str = "force"
    identifier: str | None = None
    location: tuple[str, ...] = ("longitude",)
    drop: tuple[str, ...] = ()
    file_name: re.Pattern[str] | None = None
    count_field: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.disclosure not in CLASSES:
            problems.append(f"disclosure class {self.disclosure!r} is not one of {', '.join(CLASSES)}")
        names = [c.name for c in self.columns]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            problems.append(f"columns named twice: {', '.join(repeated)}")
        if "month" not in names:
            problems.append("no month column (the warehouse partitions by month)")
        identifier = [self.identifier] if self.identifier else []
        for role, wanted in (("provider", [self.provider]), ("identifier", identifier),
                             ("location", list(self.location)), ("drop", list(self.drop))):
            problems += [f"{role} column {c!r} is not one of its columns" for c in wanted if c not in names]
        readable = set(self.fields) | set(self.name_fields)
        if self.fields:
            problems += [f"column {c.name!r} reads field {c.source_field!r}, which the files do not have"
                         for c in self.columns if c.source_field is not None and c.source_field not in readable]
            problems += [f"a check is about field {c.column!r}, which the files do not have"
                         for c in self.checks if c.column not in readable]
        if problems:
            raise ValueError(f"source spec {self.format!r}: " + "; ".join(problems))

    @property
    def name_fields(self) -> tuple[str, ...]:
        """The fields the file's name gives each row (``force_in_name``)."""
        return tuple(f"{group}_in_name" for group in self.file_name.groupindex) if self.file_name else ()

    def read_options(self, header: Sequence[str] | None = None) -> str:
        """DuckDB ``read_csv`` options for the files: a header row, then ``header`` (the spec's fields unless
        given: a file may leave optional fields out), every one as text."""
        types = ", ".join(f"{sql_text(f)}: 'VARCHAR'" for f in (header or self.fields))
        return (f"header = true, auto_detect = false, columns = {{{types}}}, "
                "delim = ',', quote = '\"', escape = '\"'")

    def typed_sql(self) -> str:
        """The SELECT list that turns a row's fields into the warehouse's typed columns."""
        return ",\n".join(c.select_sql() for c in self.columns)

    def location_missing_sql(self) -> str:
        """SQL true for a row that has no location (never, for a source whose rows are not located)."""
        return " AND ".join(f"{c} IS NULL" for c in self.location) or "FALSE"


_SPECS: dict[str, SourceSpec] = {}


def register(spec: SourceSpec) -> SourceSpec:
    """Add ``spec`` to the specs the platform ingests (a source module calls this at import); returns it."""
    _SPECS[spec.format] = spec
    return spec


def registered() -> list[SourceSpec]:
    """The specs registered so far (those of the source modules imported), by format."""
    return [_SPECS[name] for name in sorted(_SPECS)]
