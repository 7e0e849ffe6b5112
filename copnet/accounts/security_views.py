"""A signed-in person's own sign-in security (second factor, recovery codes, passkeys,
password), and a coordinator's reset of someone else's second factor."""

from __future__ import annotations

from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from copnet.accounts.principal import AuthedHttpRequest
from copnet.core.errors import add_to_form, show_message

from . import second_factor, selectors, services
from .decorators import require_perm
from .errors import AccountError
from .forms import AuthenticatorForm, ResetSecondFactorForm
from .permissions import Perm, needs_second_factor
from .views import redirect_with_next, safe_next


def keep_this_session(request: AuthedHttpRequest) -> None:
    """The person's factors or password changed, which ends their sessions; keep this one."""
    request.user.refresh_from_db(fields=["password", "session_stamp"])
    update_session_auth_hash(request, request.user)


@never_cache
@login_required
def security(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "required": needs_second_factor(user),
            "authenticator": second_factor.authenticator_of(user),
            "passkeys": second_factor.passkeys_of(user),
            "passkeys_enabled": settings.PASSKEYS_ENABLED,
            "has_factor": second_factor.has_primary_factor(user),
            "has_any_device": second_factor.has_any_device(user),
            "recovery_codes_left": second_factor.recovery_codes_left(user),
        },
    )


@never_cache
def authenticator_setup(request: HttpRequest) -> HttpResponse:
    """Set up (or replace) the authenticator app: scan the QR code, type a code from the app."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if not second_factor.may_add_factor(user, verified=user.is_verified()):  # type: ignore[attr-defined]  # added by django_otp.middleware
        return redirect_with_next("accounts:second_step", next_url)
    device = second_factor.pending_authenticator(user)
    form = AuthenticatorForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.do_confirm_authenticator(
                device=device, code=form.cleaned_data["code"], actor=user
            )
        except AccountError as exc:
            add_to_form(form, exc, field="code")
        else:
            keep_this_session(cast("AuthedHttpRequest", request))  # signed in: checked above
            otp_login(request, device)
            if codes:
                return render(
                    request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url}
                )
            messages.success(request, _("Your authenticator app is set up."))
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/authenticator_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr": second_factor.qr_svg(device.config_url),
            "secret": second_factor.authenticator_secret(device),
            "replacing": second_factor.authenticator_of(user) is not None,
            "first_factor": not second_factor.has_any_device(user),
            "required": needs_second_factor(user),
            "passkeys_enabled": settings.PASSKEYS_ENABLED,
            "recovery_url": f"{reverse('accounts:recovery_codes')}?{urlencode({'next': next_url})}",
        },
    )


@never_cache
@login_required
def recovery_codes(request: AuthedHttpRequest) -> HttpResponse:
    """New recovery codes (POST), shown once; GET offers to make them."""
    user = request.user
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if not second_factor.has_primary_factor(user):
        messages.error(request, _("Set up an authenticator app or a passkey first."))
        return redirect("accounts:security")
    if request.method == "POST":
        codes = second_factor.do_create_recovery_codes(user=user, actor=user)
        keep_this_session(request)
        return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": next_url})
    return render(
        request,
        "accounts/recovery_codes.html",
        {"left": second_factor.recovery_codes_left(user), "next": next_url},
    )


@login_required
@require_POST
def passkey_remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    try:
        second_factor.do_remove_passkey(user=request.user, passkey_id=pk, actor=request.user)
    except AccountError as exc:
        show_message(request, exc)
    else:
        keep_this_session(request)
        messages.success(request, _("The passkey was removed."))
    return redirect("accounts:security")


@login_required
@require_POST
def second_factor_off(request: AuthedHttpRequest) -> HttpResponse:
    try:
        second_factor.do_turn_off_second_factor(user=request.user, actor=request.user)
    except AccountError as exc:
        show_message(request, exc)
    else:
        keep_this_session(request)
        messages.success(request, _("The second factor is off."))
    return redirect("accounts:security")


@login_required
def password_change(request: AuthedHttpRequest) -> HttpResponse:
    """Old password (the person proves it is them), then the new one twice, checked by
    AUTH_PASSWORD_VALIDATORS. Their other sessions end; this one stays."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.do_change_password(user=request.user, password=form.cleaned_data["new_password1"])
        keep_this_session(request)
        messages.success(
            request, _("Your password is changed. Your other sessions were signed out.")
        )
        return redirect("accounts:security")
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("Change your password"),
            "submit_label": _("Change password"),
            "back_url": reverse("accounts:security"),
        },
    )


@require_perm(Perm.RESET_SECOND_FACTOR)
def reset_second_factor(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    form = ResetSecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            removed = second_factor.do_reset_second_factor(
                user=person, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except AccountError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _(
                    "The second factor of %(person)s was reset (%(count)d removed); their "
                    "sessions ended. They set up a new one at their next sign-in."
                )
                % {"person": person, "count": removed},
            )
            return redirect("accounts:person", pk=person.pk)
    return render(request, "accounts/reset_second_factor.html", {"person": person, "form": form})
