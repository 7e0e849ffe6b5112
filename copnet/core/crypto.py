"""Encryption of personal data at rest with Fernet (AES-128-CBC + HMAC-SHA256).

Keys come from settings.ENCRYPTION_KEYS, newest first: new data is encrypted with the first key,
and data encrypted with any listed key still decrypts, so keys can be rotated by putting a new
key first and keeping the old ones until everything has been re-encrypted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
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


def decrypt_text(token: str, *, ttl: int | None = None) -> str:
    """The text of a token; with `ttl`, tokens older than `ttl` seconds are refused too."""
    if ttl is None:
        return decrypt_bytes(token.encode("ascii")).decode("utf-8")
    try:
        return fernet().decrypt(token.encode("ascii"), ttl=ttl).decode("utf-8")
    except InvalidToken as error:
        raise DecryptionError("The token is corrupt, expired or from an unknown key.") from error


def lookup_hash(value: str, *, purpose: str) -> str:
    """A keyed hash (HMAC-SHA256, hex) of `value`, for finding and joining encrypted data.

    Equal values give equal hashes, so a column of these can be indexed, joined and made
    unique; without the key (settings.LOOKUP_KEY, never stored in the database) nobody can test
    a guess against it. `purpose` separates uses: the same value hashes differently for
    different purposes. Changing LOOKUP_KEY breaks existing lookups: keep it for good."""
    from django.conf import settings

    key = _purpose_key(settings.LOOKUP_KEY, purpose)
    return hmac.new(key, value.encode("utf-8"), hashlib.sha256).hexdigest()


@lru_cache(maxsize=32)
def _purpose_key(secret: str, purpose: str) -> bytes:
    if not secret:
        raise ImproperlyConfigured("LOOKUP_KEY must be set.")
    return hmac.new(
        secret.encode("utf-8"), b"copnet-lookup:" + purpose.encode("utf-8"), hashlib.sha256
    ).digest()


def fingerprint(value: Any) -> str:
    """A short keyed fingerprint ("hmac:…") that shows whether a value changed without showing
    it: what the audit trail records for personal fields."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return "hmac:" + lookup_hash(text, purpose="audit-fingerprint")[:16]


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


class EncryptedJSONField(models.TextField):
    """JSON stored as one Fernet token (text column); Python code sees the decoded value.

    Like EncryptedTextField, only `isnull` lookups work. NULL stays NULL; every other value,
    empty lists and dicts included, is encrypted."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        if value == "":
            return self.get_default()
        return json.loads(decrypt_text(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> str | None:
        if value is None:
            return None
        return encrypt_text(json.dumps(value, ensure_ascii=False, separators=(",", ":")))

    def value_to_string(self, obj: Any) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field:
        return (form_class or forms.JSONField)(**{"required": not self.blank, **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None


class EncryptedDateField(models.TextField):
    """A date stored as a Fernet token (text column); Python code sees a datetime.date.

    For dates that say who someone is (a date of birth): ages are computed in Python, never in
    SQL, and only `isnull` lookups work."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return None
        return dt.date.fromisoformat(decrypt_text(value))

    def to_python(self, value: Any) -> dt.date | None:
        if value is None or value == "":
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error

    def get_prep_value(self, value: Any) -> str | None:
        day = self.to_python(value)
        if day is None:
            return None
        return encrypt_text(day.isoformat())

    def value_to_string(self, obj: Any) -> str:
        day = self.value_from_object(obj)
        return day.isoformat() if day else ""

    def formfield(
        self,
        form_class: type[forms.Field] | None = None,
        choices_form_class: type[forms.ChoiceField] | None = None,
        **kwargs: Any,
    ) -> forms.Field:
        return (form_class or forms.DateField)(**{"required": not self.blank, **kwargs})

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None

    def get_transform(self, lookup_name: str) -> Any:
        return None
