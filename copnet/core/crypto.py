"""Encryption of personal data at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from settings.ENCRYPTION_KEYS, newest first: new data is encrypted with the first key,
and data encrypted with any listed key still decrypts, so keys can be rotated by putting a new
key first and keeping the old ones until everything has been re-encrypted.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.core.exceptions import ImproperlyConfigured
from django.db import models


class DecryptionError(ValueError):
    """The token is corrupt, or was encrypted with a key that is not in ENCRYPTION_KEYS."""


def fernet() -> MultiFernet:
    from django.conf import settings

    keys = settings.ENCRYPTION_KEYS
    if isinstance(keys, str | bytes):
        keys = [keys]
    return _build_fernet(tuple(keys))


@lru_cache(maxsize=8)
def _build_fernet(keys: tuple[str | bytes, ...]) -> MultiFernet:
    # Keyed on the keys themselves, so a changed setting (rotation, tests) builds a new one.
    if not keys:
        raise ImproperlyConfigured("ENCRYPTION_KEYS must list at least one Fernet key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(
            "ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes)."
        ) from error


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    try:
        return fernet().decrypt(token)
    except InvalidToken as error:
        raise DecryptionError(
            "Cannot decrypt: the data is corrupt or was encrypted with a key that is not "
            "in ENCRYPTION_KEYS."
        ) from error


def encrypt_text(text: str) -> str:
    return encrypt_bytes(text.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    return decrypt_bytes(token.encode("ascii")).decode("utf-8")


class EncryptedTextField(models.TextField):
    """A TextField whose value is stored as Fernet ciphertext; Python code sees plaintext str.

    Every save writes a different ciphertext, so the column cannot be searched in SQL: only the
    `isnull` lookup is allowed (any other lookup or transform raises FieldError), and ordering,
    indexes and uniqueness on it are meaningless. "" and None are stored as they are, so
    `blank=True` and `null=True` behave as usual.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt_text(value)

    def to_python(self, value: Any) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_text(value)

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None
