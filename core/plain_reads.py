"""The few reads every request makes (the data version, the geography version, the region, the warehouse's
partitions), as plain statements.

The ORM builds and compiles a query afresh each time it runs one, which costs more than these one-row reads
cost the database (about 0.15 ms each against a few microseconds; ``bench/overview_render.py``), and a page
makes them on every request. ``values`` is the ORM's ``filter(**equal).order_by(*order).values_list(*columns)``
for such reads, with the columns' own conversions (JSON is decoded as the ORM would).
"""

from collections.abc import Sequence

from django.db import connections, models, router


def values(model: type[models.Model], columns: Sequence[str], equal: dict[str, object] | None = None,
           order: Sequence[str] = (), limit: int | None = None) -> list[tuple]:
    """Rows of ``columns`` of ``model`` where each of ``equal``'s fields equals its value, ordered by ``order``
    (a leading "-" for descending), at most ``limit``; each value converted as the ORM converts it."""
    alias = router.db_for_read(model)
    connection = connections[alias]
    name = connection.ops.quote_name
    fields = [model._meta.get_field(c) for c in columns]
    sql = f"SELECT {', '.join(name(f.column) for f in fields)} FROM {name(model._meta.db_table)}"
    params = []
    if equal:
        sql += " WHERE " + " AND ".join(f"{name(model._meta.get_field(k).column)} = %s" for k in equal)
        params = [model._meta.get_field(k).get_db_prep_value(v, connection) for k, v in equal.items()]
    if order:
        sql += " ORDER BY " + ", ".join(
            f"{name(model._meta.get_field(o.lstrip('-')).column)}{' DESC' if o.startswith('-') else ''}"
            for o in order)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    converters = [getattr(f, "from_db_value", None) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not any(converters):
        return [tuple(row) for row in found]
    return [tuple(convert(value, None, connection) if convert else value
                  for value, convert in zip(row, converters, strict=True)) for row in found]
