"""Data migrations that encrypt columns which used to hold clear text.

Used after an AlterField that turns a text, JSON or date column into one of the encrypted
fields of core.crypto (the column becomes text). Rows are read and written with plain SQL,
in id order and in batches, because the migration's model would try to decrypt the clear
values. Values that are already Fernet tokens are left alone, so running twice is harmless.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db import migrations

from .crypto import DecryptionError, decrypt_text, encrypt_text

BATCH = 1000


def _is_token(value: str) -> bool:
    if not value.startswith("gAAAAA"):
        return False
    try:
        decrypt_text(value)
    except (DecryptionError, ValueError, UnicodeError):
        return False
    return True


def _encrypt(value: Any) -> Any:
    if value is None or value == "" or _is_token(str(value)):
        return value
    return encrypt_text(str(value))


def decrypt_value(value: Any) -> Any:
    """The clear value of a token; anything else unchanged."""
    if value is None or value == "" or not _is_token(str(value)):
        return value
    return decrypt_text(str(value))


def convert_rows(
    connection: Any,
    table: str,
    columns: Sequence[str],
    change: Callable[[Any], Any],
) -> int:
    """Apply `change` to each value of `columns` of every row; returns the rows rewritten."""
    quote = connection.ops.quote_name
    select = (
        f"SELECT id, {', '.join(quote(c) for c in columns)} FROM {quote(table)} "  # noqa: S608
        f"WHERE id > %s ORDER BY id LIMIT {BATCH}"
    )
    update = (
        f"UPDATE {quote(table)} SET "  # noqa: S608
        + ", ".join(f"{quote(c)} = %s" for c in columns)
        + " WHERE id = %s"
    )
    last, changed = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last])
            rows = cursor.fetchall()
            if not rows:
                return changed
            for pk, *values in rows:
                new = [change(v) for v in values]
                if new != list(values):
                    cursor.execute(update, [*new, pk])
                    changed += 1
            last = rows[-1][0]


def encrypt_columns(table: str, columns: Sequence[str]) -> migrations.RunPython:
    """A RunPython that encrypts the clear values of `columns` (and decrypts them on reverse)."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        convert_rows(schema_editor.connection, table, columns, _encrypt)

    def backwards(apps: Any, schema_editor: Any) -> None:
        convert_rows(schema_editor.connection, table, columns, decrypt_value)

    return migrations.RunPython(forwards, backwards, elidable=False)
