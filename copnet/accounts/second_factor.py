"""The second sign-in step: who needs it, enrolment, one-time codes, recovery codes, reset.

Built on django-otp. A person's devices:
- one authenticator app (TOTPDevice, RFC 6238). A code is accepted once (django-otp keeps the
  last accepted time step); after a wrong code the next try waits 1, 2, 4, ... seconds;
- passkeys (django_otp_webauthn's WebAuthnCredential), where the site has a secure origin;
- one StaticDevice holding ten recovery codes. Each works once; only a keyed hash is stored.
A session has passed the second step when django_otp.login() recorded the device that passed;
SecondFactorMiddleware keeps everything else closed until then. Adding, replacing or removing a
factor changes `User.session_stamp`, which ends the person's other sessions.
"""

from __future__ import annotations

import re
import secrets
import time
from base64 import b32encode
from typing import TYPE_CHECKING, Any, NoReturn

import segno
from django.db import transaction
from django.utils import formats, timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from copnet.audit.choices import AuditAction
from copnet.audit.models import AuditEvent
from copnet.audit.services import record, record_change

from .errors import AccountError, AccountErrorCode
from .models import User
from .permissions import needs_second_factor

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

TOTP_NAME = "authenticator app"
RECOVERY_NAME = "recovery codes"
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: codes are read from paper. 10 characters = 49 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
SIX_DIGITS = re.compile(r"[0-9]{6}")


def passkey_model() -> type[Device]:
    from django_otp_webauthn.utils import get_credential_model

    return get_credential_model()


# --- who ---------------------------------------------------------------------------------------
def has_any_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def second_step_required(user: User) -> bool:
    """Must this signed-in person pass the second step? Everyone who needs it by role, and
    everyone who turned it on."""
    return needs_second_factor(user) or has_any_device(user)


def has_primary_factor(user: User) -> bool:
    """An authenticator app or a passkey (recovery codes alone are a fallback, not a factor)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or passkey_model().objects.filter(user=user, confirmed=True).exists()
    )


def may_add_factor(user: User, *, verified: bool) -> bool:
    """Adding or replacing a factor needs a session that passed the second step, unless the
    person has none yet (first enrolment, right after the password)."""
    return verified or not has_any_device(user)


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def passkeys_of(user: User) -> list[Device]:
    return list(passkey_model().objects.filter(user=user, confirmed=True).order_by("pk"))


def authenticator_of(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


# --- enrolment ---------------------------------------------------------------------------------
def pending_authenticator(user: User) -> TOTPDevice:
    """The not yet confirmed authenticator being set up (the same one on every reload, so the
    QR code does not change under the person's phone)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def authenticator_secret(device: TOTPDevice) -> str:
    """The key in base32, in groups of four, for typing into an app that cannot scan."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(text: str) -> str:
    return segno.make(text, error="m").svg_inline(scale=5, border=2, light="#fff")


def do_confirm_authenticator(*, device: TOTPDevice, code: str, actor: User) -> list[str]:
    """Confirm the pending authenticator with a code from it; it replaces any older one.

    Returns new recovery codes when the person had none (shown once, never stored)."""
    _check_authenticator_code(device, code, step="enrol")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=device.user_id)
        replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()[0]
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = [] if recovery_codes_left(user) else _replace_recovery_codes(user)
        _new_session_stamp(user, *_same_person(actor, user))
        record_change(
            actor=actor,
            action=AuditAction.SECOND_FACTOR_ADDED,
            target=user,
            changes={"kind": "totp", "replaced": replaced, "recovery_codes": len(codes)},
        )
    return codes


def do_record_passkey(*, credential: Any, actor: User) -> None:
    """A passkey was registered (django_otp_webauthn saved it): audit it, end other sessions."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=credential.user_id)
        _new_session_stamp(user, *_same_person(actor, user))
        record_change(
            actor=actor,
            action=AuditAction.SECOND_FACTOR_ADDED,
            target=user,
            changes={"kind": "passkey", "passkey": credential.pk, "name": credential.name},
        )


# --- the second step ---------------------------------------------------------------------------
def check_sign_in_code(*, user: User, code: str) -> Device:
    """The device that accepts `code` (an authenticator code or a recovery code), or
    AccountError with a translated message. Both outcomes are audited."""
    code = "".join(code.split())
    if SIX_DIGITS.fullmatch(code):
        device = authenticator_of(user)
        if device is None:
            _refuse(user, "totp", AccountErrorCode.CODE_WRONG, _wrong_code_message())
        _check_authenticator_code(device, code, step="sign_in")
        record_change(
            actor=user,
            action=AuditAction.SECOND_FACTOR_PASSED,
            target=user,
            changes={"kind": "totp"},
        )
        return device
    return _use_recovery_code(user, code)


def record_passkey_passed(*, user: User, credential: Any) -> None:
    record_change(
        actor=user,
        action=AuditAction.SECOND_FACTOR_PASSED,
        target=user,
        changes={"kind": "passkey", "passkey": credential.pk},
    )


def _wrong_code_message() -> str:
    return _(
        "This code is wrong. Type the code your app shows now; if it keeps failing, check that "
        "the phone's clock is set automatically."
    )


def _refuse(
    user: User, kind: str, code: AccountErrorCode, message: str, **changes: Any
) -> NoReturn:
    record_change(
        actor=user,
        action=AuditAction.SECOND_FACTOR_FAILED,
        target=user,
        changes={"kind": kind, "reason": str(code), **changes},
    )
    raise AccountError(code, message, "code")


def _check_authenticator_code(device: TOTPDevice, code: str, *, step: str) -> None:
    code = "".join(code.split())
    if not SIX_DIGITS.fullmatch(code):
        raise AccountError(
            AccountErrorCode.CODE_FORMAT,
            _("Type the 6 digits your authenticator app shows."),
            "code",
        )
    accepted = replayed = False
    with transaction.atomic():
        # The row lock makes two requests with the same code take turns: only one passes.
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        if allowed:
            accepted = device.verify_token(code)
            replayed = not accepted and _matches_a_used_step(device, code)
    user = device.user
    if not allowed:
        wait = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        _refuse(
            user,
            "totp",
            AccountErrorCode.CODE_WAIT,
            _("Too many wrong codes. Wait %(seconds)d seconds, then type the newest code.")
            % {"seconds": wait},
            step=step,
        )
    if replayed:
        _refuse(
            user,
            "totp",
            AccountErrorCode.CODE_USED,
            _(
                "This code was already used. Wait until your app shows a new code (every 30 "
                "seconds) and type that one."
            ),
            step=step,
        )
    if not accepted:
        _refuse(user, "totp", AccountErrorCode.CODE_WRONG, _wrong_code_message(), step=step)


def _matches_a_used_step(device: TOTPDevice, code: str) -> bool:
    """Is `code` right for a time step that was already used (a replay, not a wrong code)?"""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return totp.verify(int(code), device.tolerance) and totp.t() <= device.last_t


# --- recovery codes ----------------------------------------------------------------------------
def _recovery_hash(user_id: int, code: str) -> str:
    # StaticToken.token holds 16 characters: 64 bits of an HMAC keyed with SECRET_KEY, so a
    # copy of the database does not give the codes away.
    value = f"{user_id}:{code}"
    return salted_hmac("copnet.accounts.recovery_code", value, algorithm="sha256").hexdigest()[:16]


def _normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isascii() and ch.isalnum())


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=_recovery_hash(user.pk, code)) for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def do_create_recovery_codes(*, user: User, actor: User) -> list[str]:
    """New recovery codes replace the old ones (shown once, never stored in clear)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        codes = _replace_recovery_codes(locked)
        _new_session_stamp(locked, user)
        record_change(
            actor=actor,
            action=AuditAction.RECOVERY_CODES_CREATED,
            target=user,
            changes={"count": len(codes)},
        )
    return codes


def _use_recovery_code(user: User, raw: str) -> Device:
    code = _normalise_recovery_code(raw)
    if len(code) != RECOVERY_CODE_LENGTH:
        raise AccountError(
            AccountErrorCode.CODE_FORMAT,
            _("Type the 6-digit code from your app, or one of your recovery codes."),
            "code",
        )
    hashed = _recovery_hash(user.pk, code)
    device = StaticDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        _refuse(user, "recovery", AccountErrorCode.RECOVERY_WRONG, _recovery_wrong_message())
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().get(pk=device.pk)
        allowed, details = device.verify_is_allowed()
        accepted = allowed and device.verify_token(hashed)
    if not allowed:
        wait = max(1, int((details["locked_until"] - timezone.now()).total_seconds()) + 1)
        _refuse(
            user,
            "recovery",
            AccountErrorCode.CODE_WAIT,
            _("Too many wrong codes. Wait %(seconds)d seconds and try again.") % {"seconds": wait},
        )
    if not accepted:
        used = (
            AuditEvent.objects.filter(
                action=AuditAction.RECOVERY_CODE_USED,
                target_type="accounts.user",
                target_id=str(user.pk),
                changes__code=hashed,
            )
            .order_by("-at")
            .first()
        )
        if used is not None:
            when = formats.date_format(timezone.localtime(used.at), "SHORT_DATETIME_FORMAT")
            _refuse(
                user,
                "recovery",
                AccountErrorCode.RECOVERY_USED,
                _("This recovery code was already used (%(when)s). Each code works only once.")
                % {"when": when},
            )
        _refuse(user, "recovery", AccountErrorCode.RECOVERY_WRONG, _recovery_wrong_message())
    left = recovery_codes_left(user)
    record_change(
        actor=user,
        action=AuditAction.RECOVERY_CODE_USED,
        target=user,
        changes={"code": hashed, "left": left},
    )
    return device


def _recovery_wrong_message() -> str:
    return _("This recovery code is wrong, or it was replaced by newer codes.")


# --- removal and reset -------------------------------------------------------------------------
def _delete_devices(user: User) -> int:
    """Deletes every device of `user`; returns how many (recovery codes count as one)."""
    removed = 0
    for model in (TOTPDevice, StaticDevice, passkey_model()):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    return removed


def do_remove_passkey(*, user: User, passkey_id: int, actor: User) -> None:
    """A person removes one of their passkeys; never the last factor of someone who needs one."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        credential = passkey_model().objects.filter(user=user, pk=passkey_id).first()
        if credential is None:
            raise AccountError(AccountErrorCode.NOT_FOUND, _("This passkey does not exist."))
        others = (
            TOTPDevice.objects.filter(user=user, confirmed=True).exists()
            or (
                passkey_model().objects.filter(user=user, confirmed=True).exclude(pk=passkey_id)
            ).exists()
        )
        if needs_second_factor(user) and not others:
            raise AccountError(
                AccountErrorCode.LAST_FACTOR,
                _("Set up an authenticator app or another passkey before removing this one."),
            )
        credential.delete()
        _new_session_stamp(locked, user)
        record_change(
            actor=actor,
            action=AuditAction.SECOND_FACTOR_REMOVED,
            target=user,
            changes={"kind": "passkey", "passkey": passkey_id},
        )


def do_turn_off_second_factor(*, user: User, actor: User) -> None:
    """Someone for whom the second step is optional turns it off (all devices go)."""
    if needs_second_factor(user):
        raise AccountError(
            AccountErrorCode.REQUIRED,
            _("Your role needs a second factor: it cannot be turned off."),
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        removed = _delete_devices(locked)
        _new_session_stamp(locked, user)
        record_change(
            actor=actor,
            action=AuditAction.SECOND_FACTOR_REMOVED,
            target=user,
            changes={"kind": "all", "devices": removed},
        )


def do_reset_second_factor(*, user: User, actor: Principal | None, reason: str = "") -> int:
    """A coordinator (or the command line) removes every factor of someone who lost them: all
    their sessions end and they enrol again at their next sign-in. Returns the devices removed."""
    if isinstance(actor, User) and actor.pk == user.pk:
        raise AccountError(
            AccountErrorCode.OWN_FACTOR,
            _("You cannot reset your own second factor. Change it on your security page."),
        )
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        removed = _delete_devices(locked)
        _new_session_stamp(locked, user)
        record(
            actor=actor,
            action=AuditAction.SECOND_FACTOR_RESET,
            target=user,
            changes={"devices": removed},
            reason=reason,
        )
    return removed


def _same_person(actor: Principal | None, user: User) -> list[User]:
    return [actor] if isinstance(actor, User) and actor.pk == user.pk else []


def _new_session_stamp(*copies: User) -> None:
    """A new stamp ends the person's sessions; every copy of the row given is updated too."""
    stamp = secrets.token_hex(16)
    User.objects.filter(pk=copies[0].pk).update(session_stamp=stamp)
    for copy in copies:
        copy.session_stamp = stamp
