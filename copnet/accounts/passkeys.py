"""Passkeys (WebAuthn) as a second factor, through django-otp-webauthn's ceremonies.

The subclasses add what COPNet needs around the library's views: the PASSKEYS_ENABLED switch,
audit rows, ending the person's other sessions when a passkey is added, and the same landing
page as the code form. Passwordless sign-in stays off (OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN):
the password step, with its lockout and audit, always comes first.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django.views.i18n import JavaScriptCatalog
from django_otp_webauthn import views as webauthn
from django_otp_webauthn.exceptions import OTPWebAuthnApiError

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from . import second_factor
from .security_views import keep_this_session
from .views import safe_next


class PasskeysOff(OTPWebAuthnApiError):
    status_code = 404
    default_detail = _("Passkeys are not available at this address.")
    default_code = "passkeys_off"


class _Switched:
    def initial(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        if not settings.PASSKEYS_ENABLED:
            raise PasskeysOff()
        super().initial(request, *args, **kwargs)  # type: ignore[misc]


class BeginRegistration(_Switched, webauthn.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_Switched, webauthn.CompleteCredentialRegistrationView):
    """The library saves the passkey (and marks a first-enrolment session as passed)."""

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(*args, **kwargs)
        saved = json.loads(response.content)["id"]
        credential = second_factor.passkey_model().objects.get(pk=saved)
        second_factor.do_record_passkey(credential=credential, actor=self.request.user)
        keep_this_session(self.request)
        return response


class BeginAuthentication(_Switched, webauthn.BeginCredentialAuthenticationView):
    pass


class CompleteAuthentication(_Switched, webauthn.CompleteCredentialAuthenticationView):
    def complete_auth(self, device: Any) -> None:
        super().complete_auth(device)
        second_factor.record_passkey_passed(user=device.user, credential=device)

    def get_success_url(self) -> str:
        return safe_next(self.request, self.request.GET.get("next"))

    def handle_exception(self, exc: Exception) -> HttpResponse:
        user = self.request.user
        if isinstance(exc, OTPWebAuthnApiError) and user.is_authenticated:
            record_change(
                actor=user,
                action=AuditAction.SECOND_FACTOR_FAILED,
                target=user,
                changes={"kind": "passkey", "reason": exc.code},
            )
        return super().handle_exception(exc)


app_name = "otp_webauthn"  # the library's scripts and template tags reverse these names
urlpatterns = [
    path(
        "registration/begin/",
        BeginRegistration.as_view(),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        CompleteRegistration.as_view(),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        BeginAuthentication.as_view(),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        CompleteAuthentication.as_view(),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]),
        name="js-i18n-catalog",
    ),
]

# The library's messages a person can read; its catalogue has no Vietnamese, ours does.
LIBRARY_MESSAGES = [
    gettext_noop("Error processing WebAuthn request."),
    gettext_noop("Malformed request. JSON not parsable."),
    gettext_noop(
        "State is missing or invalid. Please begin the operation first before trying to "
        "complete it."
    ),
    gettext_noop("This user account is marked as disabled."),
    gettext_noop("This Passkey has been marked as disabled."),
    gettext_noop("The Passkey you tried to use was not found. Perhaps it was removed?"),
    gettext_noop(
        "The Passkey you tried to use does not belong to the currently logged-in user. Try "
        "using a different Passkey or logout first to use this Passkey."
    ),
    gettext_noop("Authentication required."),
    gettext_noop(
        "You must verify your identity first with an existing MFA device before you can "
        "register a new passkey."
    ),
]
