"""The tests' `reference_data` fixture, fast: `load_reference_data` runs once per test session
and database, on the freshly migrated database inside a transaction that is rolled back, and
what it added is kept; each test then gets the same rows by plain INSERTs.

About 1,500 tests need the reference data, and the command (hundreds of ORM queries) took
0.3–0.5 s each time. The copy is used only when it gives exactly what the command would: the
command only added rows (changed none), each table it wrote has one integer key, and in the
test those tables hold as many rows as after the migrations (nothing a test made first, no
flush in between). Otherwise the command runs, as before.

One difference remains: copied rows keep the time of the session's load in their timestamps
(`created_at`, the audit rows' `at`), so a test that moves the clock before asking for the
reference data sees them older than the command would make them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction


@dataclass
class _Table:
    model: type[models.Model]
    count_before: int
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass
class _Snapshot:
    tables: list[_Table]
    usable: bool


_snapshots: dict[str, _Snapshot] = {}


def _concrete_models() -> list[type[models.Model]]:
    found = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and not meta.swapped:
            found.append(model)
    return found


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _state(model: type[models.Model]) -> tuple[int, int]:
    """(rows, highest integer key or 0) of the model's table, in one query."""
    table, pk = _quote(model._meta.db_table), _quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        if _is_counter(model):
            cursor.execute(f"SELECT COUNT(*), COALESCE(MAX({pk}), 0) FROM {table}")  # noqa: S608
        else:
            cursor.execute(f"SELECT COUNT(*), 0 FROM {table}")  # noqa: S608
        count, top = cursor.fetchone()
    return int(count), int(top)


def _is_counter(model: type[models.Model]) -> bool:
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


def _rows(model: type[models.Model], *, upto: int | None = None) -> list[tuple[Any, ...]]:
    """The table's rows in key order (those with keys up to `upto` if given)."""
    table, pk = _quote(model._meta.db_table), _quote(model._meta.pk.column)
    where = f" WHERE {pk} <= %s" if upto is not None else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}{where} ORDER BY {pk}", [upto] if where else [])  # noqa: S608
        return list(cursor.fetchall())


def take_snapshot(load: Callable[[], None]) -> None:
    """Run the command on the migrated database, keep what it added, and roll it back."""
    key = _key()
    if key in _snapshots:
        return
    with transaction.atomic():
        _snapshots[key] = _take(load)
        transaction.set_rollback(True)


def _key() -> str:
    return f"{connection.alias}:{connection.settings_dict['NAME']}"


def _take(load: Callable[[], None]) -> _Snapshot:
    """Run the command, then read what it added to each table."""
    before = {model: _state(model) for model in _concrete_models()}
    # Rows the migrations made: the command must leave them as they are.
    made = {
        model: _rows(model, upto=top if _is_counter(model) else None)
        for model, (count, top) in before.items()
        if count
    }
    load()
    tables, usable = [], True
    for model, (count, top) in before.items():
        if model in made and _rows(model, upto=top if _is_counter(model) else None) != made[model]:
            usable = False  # the command changed a row it found
        after, _top = _state(model)
        if after == count:
            continue
        if not _is_counter(model):
            usable = False
            continue
        columns = [f.column for f in model._meta.local_concrete_fields]
        query = "SELECT {} FROM {} WHERE {} > %s ORDER BY {}".format(  # noqa: S608
            ", ".join(_quote(c) for c in columns),
            _quote(model._meta.db_table),
            _quote(model._meta.pk.column),
            _quote(model._meta.pk.column),
        )
        with connection.cursor() as cursor:
            cursor.execute(query, [top])
            rows = list(cursor.fetchall())
        if len(rows) != after - count:  # a row went away: not a plain addition
            usable = False
        tables.append(_Table(model=model, count_before=count, columns=columns, rows=rows))
    return _Snapshot(tables=tables, usable=usable)


def _restore(snapshot: _Snapshot) -> bool:
    """Put the rows back; False (nothing written) when the tables are not as the command
    found them the first time."""
    if not all(_state(t.model)[0] == t.count_before for t in snapshot.tables):
        return False
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys checked at commit
        for table in snapshot.tables:
            sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
                _quote(table.model._meta.db_table),
                ", ".join(_quote(c) for c in table.columns),
                ", ".join(["%s"] * len(table.columns)),
            )
            cursor.executemany(sql, table.rows)
        # PostgreSQL's sequences do not move for explicit keys (SQLite's AUTOINCREMENT does).
        for statement in connection.ops.sequence_reset_sql(
            no_style(), [t.model for t in snapshot.tables]
        ):
            cursor.execute(statement)
    return True


def load_reference_data_fast(load: Callable[[], None]) -> None:
    """The rows `take_snapshot` kept, or `load` (the command) where they would not be exact."""
    snapshot = _snapshots.get(_key())
    if snapshot is not None and snapshot.usable and _restore(snapshot):
        return
    load()
