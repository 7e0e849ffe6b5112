from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_view
from copnet.core.errors import add_to_form

from . import second_factor, selectors, services
from .choices import Role
from .decorators import require_perm
from .errors import AccountError
from .forms import ApiKeyForm, EmailLoginForm, LanguageForm, RevokeForm, SecondStepForm
from .middleware import NO_FACTOR_SESSION_KEY
from .permissions import Perm, has_network_wide_scope, has_perm, needs_second_factor
from .principal import AuthedHttpRequest, Principal


class LoginView(auth_views.LoginView):
    """The password step. People who need the second step (or turned it on) go on to it; until
    they pass it SecondFactorMiddleware keeps every other page closed."""

    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        second_step = second_factor.second_step_required(user)
        record(
            actor=user,
            action=AuditAction.LOGIN,
            target=user,
            changes={"second_step": second_step},
        )
        if second_step:
            target = "accounts:second_step"
            if not second_factor.has_any_device(user):
                target = "accounts:authenticator_setup"
            response = redirect_with_next(target, self.get_success_url())
        else:
            self.request.session[NO_FACTOR_SESSION_KEY] = True
        if user.language:
            response.set_cookie(
                "django_language", user.language, samesite="Lax", secure=self.request.is_secure()
            )
        return response

    def get_default_redirect_url(self) -> str:
        return default_landing(self.request.user)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        email = (form.data.get("username") or "")[:254]
        record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            target_type="accounts.user",
            target_id="",
            changes={"email": email},
        )
        return super().form_invalid(form)


def default_landing(user: Principal | None) -> str:
    # Vendors have no staff area: they land in their own area of the ecosystem.
    if getattr(user, "role", None) == Role.VENDOR:
        return resolve_url("ecosystem:vendor_home")
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def safe_next(request: HttpRequest, value: str | None) -> str:
    """`value` if it is an address on this site, else the person's usual landing page."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return default_landing(request.user)


def redirect_with_next(name: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': next_url})}")


@never_cache
def second_step(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the authenticator app, a recovery code or a passkey."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if user.is_verified():  # type: ignore[attr-defined]  # added by django_otp.middleware
        return HttpResponseRedirect(next_url)
    if not second_factor.has_any_device(user):
        if needs_second_factor(user):
            return redirect_with_next("accounts:authenticator_setup", next_url)
        return HttpResponseRedirect(next_url)
    form = SecondStepForm(request.POST or None, initial={"next": next_url})
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.check_sign_in_code(user=user, code=form.cleaned_data["code"])
        except AccountError as exc:
            add_to_form(form, exc, field="code")
        else:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d left. Make new ones on "
                        "your security page."
                    )
                    % {"left": second_factor.recovery_codes_left(user)},
                )
            return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/second_step.html",
        {
            "form": form,
            "next": next_url,
            "has_authenticator": second_factor.authenticator_of(user) is not None,
            "passkeys": second_factor.passkeys_of(user) if settings.PASSKEYS_ENABLED else [],
        },
    )


class LogoutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if request.user.is_authenticated:
            record(actor=request.user, action=AuditAction.LOGOUT, target=request.user)
        return super().post(request, *args, **kwargs)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("This language is not available."))
    language = form.cleaned_data["language"]
    target = form.cleaned_data["next"] or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        "django_language",
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=request.is_secure(),
    )
    if request.user.is_authenticated:
        services.do_set_language(user=request.user, language=language)
    return response


@require_perm(Perm.VIEW_PEOPLE)
def people_list(request: AuthedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.people_visible_to(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/people_list.html", {"page": page})


@require_perm(Perm.VIEW_PEOPLE)
def person_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    record_view(actor=request.user, target=person)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "second_factor": second_factor.has_any_device(person),
            "second_factor_required": needs_second_factor(person),
            "can_reset": has_perm(request.user, Perm.RESET_SECOND_FACTOR)
            and person.pk != request.user.pk,
        },
    )


@require_perm(Perm.VIEW_API_KEYS)
def api_key_list(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/api_key_list.html",
        {
            "keys": selectors.api_keys_visible_to(request.user),
            "can_manage": has_perm(request.user, Perm.MANAGE_API_KEYS),
        },
    )


@require_perm(Perm.MANAGE_API_KEYS)
def api_key_create(request: AuthedHttpRequest) -> HttpResponse:
    organisations = None
    if not has_network_wide_scope(request.user):
        from copnet.network.models import Organisation

        organisations = Organisation.objects.none()
        if request.user.organisation_id is not None:
            organisations = Organisation.objects.filter(pk=request.user.organisation_id)
    form = ApiKeyForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        key, raw_key = services.do_create_api_key(
            organisation=form.cleaned_data["organisation"],
            name=form.cleaned_data["name"],
            actor=request.user,
        )
        # The raw key is rendered once, in this response, and never stored.
        return render(request, "accounts/api_key_created.html", {"key": key, "raw_key": raw_key})
    return render(
        request,
        "core/form_page.html",
        {
            "form": form,
            "title": _("New API key"),
            "submit_label": _("Create key"),
        },
    )


@require_perm(Perm.MANAGE_API_KEYS)
def api_key_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    key = selectors.access_api_key(request.user, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.do_revoke_api_key(key=key, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The key was revoked. It no longer works."))
        return redirect("accounts:api_keys")
    return render(request, "accounts/api_key_revoke.html", {"key": key, "form": form})
