from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect

if TYPE_CHECKING:
    from .models import User


class UserLanguageMiddleware:
    """A signed-in person's saved language wins over the cookie and the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user and user.is_authenticated else ""
        if language in self.languages and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


# Open to a signed-in person who has not passed the second step yet: the step itself,
# enrolment (the view checks that they have no factor yet), passkey ceremonies, sign-out and the
# language switch.
OPEN_BEFORE_SECOND_STEP = frozenset(
    {
        "accounts:login",
        "accounts:logout",
        "accounts:set_language",
        "accounts:second_step",
        "accounts:authenticator_setup",
        "otp_webauthn:credential-registration-begin",
        "otp_webauthn:credential-registration-complete",
        "otp_webauthn:credential-authentication-begin",
        "otp_webauthn:credential-authentication-complete",
        "otp_webauthn:js-i18n-catalog",
    }
)
# Set in a session whose person had no second factor at all; adding one ends every other
# session of that person (User.session_stamp), so the mark cannot go stale.
NO_FACTOR_SESSION_KEY = "copnet_no_second_factor"


class SecondFactorMiddleware:
    """Until a signed-in person who needs the second step has passed it, every page sends them
    to the step (htmx included) and the API treats them as not signed in. Installed after
    django_otp's OTPMiddleware, which tells whether the session passed (user.is_verified())."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]  # added by django_otp.middleware
            return None
        match = request.resolver_match
        if match is not None and match.view_name in OPEN_BEFORE_SECOND_STEP:
            return None
        if not _second_step_pending(request, user):
            return None
        if request.path_info.startswith("/api/"):
            anonymous = AnonymousUser()
            request.user = anonymous

            async def auser() -> AnonymousUser:
                return anonymous

            request.auser = auser
            return None
        target = reverse("accounts:second_step")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)


def _second_step_pending(request: HttpRequest, user: User) -> bool:
    from .permissions import needs_second_factor
    from .second_factor import has_any_device

    if needs_second_factor(user):
        return True
    if request.session.get(NO_FACTOR_SESSION_KEY):
        return False
    if has_any_device(user):
        return True
    request.session[NO_FACTOR_SESSION_KEY] = True
    return False
