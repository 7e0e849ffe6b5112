"""Passwords: at least 12 characters, not common, not like the person's e-mail or name, not all
digits, and not made of too few different characters (`aaaaaaaaaaaa`)."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from copnet.accounts.models import User

PERSON = User(email="nguyen.van.an@bo-cong-an.example", full_name="Nguyễn Văn An")


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("aaaaaaaaaaaa", "password_too_few_distinct"),
        ("abababababab", "password_too_few_distinct"),
        ("AaAaAaAaAaAa1", "password_too_few_distinct"),
        ("short-1!", "password_too_short"),
        ("password1234", "password_too_common"),
        ("123456789012", "password_entirely_numeric"),
        ("nguyen.van.an@bo-cong", "password_too_similar"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, PERSON)
    assert code in {error.code for error in refused.value.error_list}


@pytest.mark.parametrize(
    "password", ["correct horse battery staple 42", "Trời hôm nay đẹp quá!", "x7#Lq9!mR2&z"]
)
def test_strong_passwords_are_accepted(password):
    assert validate_password(password, PERSON) is None  # raises ValidationError when refused


def test_the_refusal_is_translated():
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        validate_password("aaaaaaaaaaaa", PERSON)
    message = refused.value.messages[0]
    assert message.startswith("Mật khẩu")
    assert "6" in message
