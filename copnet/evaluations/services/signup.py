"""Vendor sign-up that does not tell strangers which e-mail addresses have an account.

The sign-up form answers the same whether the address is new or taken: "we sent you a
message". A new address is sent a link that carries the sign-up itself, encrypted with the
platform's Fernet keys (so the link reveals nothing, the password only as its hash) and good for
SIGNUP_LINK_SECONDS; confirming it creates the vendor and its account. A taken address is sent a
note that it already has an account. Nothing is stored before the link is confirmed, and both
answers cost the same work (the password is hashed either way).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass

from cryptography.fernet import InvalidToken
from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext as _

from copnet.accounts.models import User
from copnet.core.crypto import fernet
from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email

from . import vendors

SIGNUP_LINK_SECONDS = 24 * 3600
MAX_TOKEN_LENGTH = 4000


@dataclass(frozen=True)
class SignUp:
    organisation_name: str
    website: str
    full_name: str
    email: str
    password_hash: str


def do_request_vendor_sign_up(
    *, organisation_name: str, website: str, full_name: str, email: str, password: str
) -> None:
    """E-mail the link that finishes the sign-up, or, if the address has an account already, a
    note saying so. The caller answers the same in both cases."""
    email = User.objects.normalize_email(email).lower()
    password_hash = make_password(password)
    if User.objects.filter(email__iexact=email).exists():
        _queue(
            _("[COPNet] You already have an account"),
            _(
                "Someone asked to register a vendor account with this e-mail address, which "
                "already has a COPNet account. If it was you, sign in at %(url)s. If it was "
                "not you, you can ignore this message: nothing was changed.\n"
            )
            % {"url": absolute_reverse("accounts:login")},
            email,
        )
        return
    sign_up = SignUp(
        organisation_name=organisation_name,
        website=website,
        full_name=full_name,
        email=email,
        password_hash=password_hash,
    )
    token = fernet().encrypt(json.dumps(asdict(sign_up)).encode("utf-8")).decode("ascii")
    link = absolute_reverse("ecosystem:vendor_register_confirm", token)
    _queue(
        _("[COPNet] Finish your vendor registration"),
        _(
            "To finish registering %(organisation)s as a vendor, open this link within 24 "
            "hours:\n\n%(link)s\n\nIf you did not ask for this, ignore this message.\n"
        )
        % {"organisation": organisation_name, "link": link},
        email,
    )


def _queue(subject: str, body: str, to: str) -> None:
    """Each request is its own e-mail, sent by a task (core.mail): the page answers at once,
    the same whether the address has an account or not."""
    queue_email(
        key=f"evaluations.vendor_sign_up:{uuid.uuid4()}", to=[to], subject=subject, body=body
    )


def read_sign_up(token: str) -> SignUp | None:
    """The sign-up a link carries, or None if it was altered, is malformed or has expired."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        return None
    try:
        data = json.loads(fernet().decrypt(token.encode("ascii"), ttl=SIGNUP_LINK_SECONDS))
        return SignUp(**data)
    except (InvalidToken, ValueError, TypeError):
        return None


def do_confirm_vendor_sign_up(*, sign_up: SignUp) -> User:
    """Create the vendor and its account; EvaluationError `email_taken` if the link was used."""
    return vendors.do_register_vendor(
        organisation_name=sign_up.organisation_name,
        website=sign_up.website,
        full_name=sign_up.full_name,
        email=sign_up.email,
        password_hash=sign_up.password_hash,
    )
