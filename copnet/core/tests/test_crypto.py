from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.test.utils import isolate_apps

from copnet.core.crypto import (
    DecryptionError,
    EncryptedTextField,
    decrypt_bytes,
    decrypt_text,
    encrypt_bytes,
    encrypt_text,
    fernet,
)

VIETNAMESE = "Nguyễn Thị Hồng Nhung, 12 tuổi, Hà Nội — bị đe doạ trên mạng 😢🛡️"


@pytest.fixture
def key_a(settings):
    key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [key]
    return key


@pytest.fixture
def note_model(transactional_db):
    with isolate_apps("copnet.core"):

        class SecretNote(models.Model):
            body = EncryptedTextField(blank=True, null=True)

            class Meta:
                app_label = "core"
                db_table = "core_test_secret_note"

            def __str__(self) -> str:
                return f"note {self.pk}"

    with connection.schema_editor() as editor:
        editor.create_model(SecretNote)
    yield SecretNote
    with connection.schema_editor() as editor:
        editor.delete_model(SecretNote)


def raw_body(pk: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM core_test_secret_note WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_bytes_round_trip(key_a):
    data = bytes(range(256)) * 4

    assert decrypt_bytes(encrypt_bytes(data)) == data


def test_text_round_trip_keeps_vietnamese_diacritics_and_emoji(key_a):
    token = encrypt_text(VIETNAMESE)

    assert isinstance(token, str)
    assert decrypt_text(token) == VIETNAMESE


def test_ciphertext_differs_from_plaintext_and_between_two_encryptions(key_a):
    first = encrypt_text("0912 345 678")
    second = encrypt_text("0912 345 678")

    assert "0912" not in first
    assert first != second
    assert decrypt_text(first) == decrypt_text(second) == "0912 345 678"


def test_data_encrypted_with_an_old_key_decrypts_after_a_new_key_is_put_first(settings, key_a):
    old_token = encrypt_text(VIETNAMESE)
    new_key = Fernet.generate_key().decode()
    settings.ENCRYPTION_KEYS = [new_key, key_a]

    new_token = encrypt_text("mới")

    assert decrypt_text(old_token) == VIETNAMESE
    assert Fernet(new_key.encode()).decrypt(new_token.encode()) == "mới".encode()


def test_changed_keys_setting_builds_a_new_fernet(settings, key_a):
    before = fernet()
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    assert fernet() is not before


def test_token_from_an_unknown_key_raises_decryption_error(settings, key_a):
    token = encrypt_text("bí mật")
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(DecryptionError, match="key that is not in ENCRYPTION_KEYS"):
        decrypt_text(token)


def test_tampered_token_raises_decryption_error(key_a):
    token = bytearray(encrypt_bytes(b"evidence"))
    token[-5] ^= 1

    with pytest.raises(DecryptionError):
        decrypt_bytes(bytes(token))


def test_missing_keys_are_a_configuration_error(settings):
    settings.ENCRYPTION_KEYS = []

    with pytest.raises(ImproperlyConfigured):
        encrypt_text("x")


def test_field_stores_ciphertext_and_reads_plaintext(key_a, note_model):
    note = note_model.objects.create(body=VIETNAMESE)

    stored = raw_body(note.pk)
    assert stored != VIETNAMESE
    assert "Nguy" not in stored
    assert decrypt_text(stored) == VIETNAMESE
    assert note_model.objects.get(pk=note.pk).body == VIETNAMESE
    assert list(note_model.objects.values_list("body", flat=True)) == [VIETNAMESE]


def test_field_keeps_blank_and_null_unencrypted(key_a, note_model):
    blank = note_model.objects.create(body="")
    null = note_model.objects.create(body=None)

    assert raw_body(blank.pk) == ""
    assert raw_body(null.pk) is None
    assert note_model.objects.get(pk=blank.pk).body == ""
    assert note_model.objects.get(pk=null.pk).body is None
    assert list(note_model.objects.filter(body__isnull=True)) == [null]


def test_field_update_writes_ciphertext(key_a, note_model):
    note = note_model.objects.create(body="cũ")

    note_model.objects.filter(pk=note.pk).update(body="mới")

    assert decrypt_text(raw_body(note.pk)) == "mới"
    assert note_model.objects.get(pk=note.pk).body == "mới"


def test_filtering_on_the_field_is_refused(key_a, note_model):
    note_model.objects.create(body="secret")

    with pytest.raises(FieldError):
        list(note_model.objects.filter(body="secret"))
    with pytest.raises(FieldError):
        list(note_model.objects.filter(body__icontains="sec"))


def test_field_deconstructs_as_a_plain_text_field_subclass():
    field = EncryptedTextField(blank=True, null=True)

    name, path, args, kwargs = field.deconstruct()
    rebuilt = EncryptedTextField(*args, **kwargs)
    source, imports = MigrationWriter.serialize(field)

    assert path == "copnet.core.crypto.EncryptedTextField"
    assert kwargs == {"blank": True, "null": True}
    assert (rebuilt.blank, rebuilt.null) == (True, True)
    assert source == "copnet.core.crypto.EncryptedTextField(blank=True, null=True)"
    assert imports == {"import copnet.core.crypto"}
