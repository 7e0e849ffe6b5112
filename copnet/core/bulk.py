"""Writing many rows at once where Django's own helpers are slow."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Field, Model
from django.db.models.options import Options


def update_fields(objs: Sequence[Model], fields: Sequence[str]) -> None:
    """Save `fields` of each object: one UPDATE statement sent with executemany (pipelined by
    psycopg 3). At a thousand rows this is many times faster than `bulk_update`, whose
    CASE WHEN expressions grow with every row. No signals, no auto_now: callers set values."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    connection = connections[router.db_for_write(model)]
    columns = [_column(meta, name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    # Only quoted identifiers from the model's own metadata are formatted in; values are bound.
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    statement = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    rows = [
        [
            field.get_db_prep_save(getattr(obj, field.attname), connection=connection)
            for field in columns
        ]
        + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(statement, rows)


def _column(meta: Options[Model], name: str) -> Field:
    """The field `name` of the model, which must be stored in a column of its own table."""
    field = meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise ValueError(f"{meta.label}.{name} is not a column")
    return field
