from __future__ import annotations

from typing import Any

from copnet.accounts.choices import Role
from copnet.accounts.models import User

PASSWORD = "correct horse battery staple 42"


def make_user(*, email: str, organisation: Any, role: str = Role.OBSERVER, **extra: Any) -> User:
    return User.objects.create_user(
        email=email,
        password=PASSWORD,
        organisation=organisation,
        role=role,
        full_name=extra.pop("full_name", email.split("@")[0]),
        **extra,
    )


def make_authenticator(user: User) -> Any:
    """A confirmed authenticator app for `user` (codes: copnet.core.testing.fresh_totp)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
