from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, record_view

from . import selectors, services
from .choices import Role
from .decorators import require_perm
from .forms import ApiKeyForm, EmailLoginForm, LanguageForm, RevokeForm
from .permissions import Perm, has_network_wide_scope, has_perm


class LoginView(auth_views.LoginView):
    form_class = EmailLoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: EmailLoginForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        record(actor=user, action=AuditAction.LOGIN, target=user)
        if user.language:
            response.set_cookie("django_language", user.language, samesite="Lax")
        return response

    def get_default_redirect_url(self) -> str:
        # Vendors have no staff area: they land in their own area of the ecosystem.
        if self.request.user.role == Role.VENDOR:
            return resolve_url("ecosystem:vendor_home")
        return super().get_default_redirect_url()

    def form_invalid(self, form: EmailLoginForm) -> HttpResponse:
        email = (form.data.get("username") or "")[:254]
        record(
            actor=None,
            action=AuditAction.LOGIN_FAILED,
            target_type="accounts.user",
            target_id="",
            changes={"email": email},
        )
        return super().form_invalid(form)


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
def people_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.people_visible_to(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "accounts/people_list.html", {"page": page})


@require_perm(Perm.VIEW_PEOPLE)
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.access_person(request.user, pk)
    record_view(actor=request.user, target=person)
    return render(request, "accounts/person_detail.html", {"person": person})


@require_perm(Perm.VIEW_API_KEYS)
def api_key_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/api_key_list.html",
        {
            "keys": selectors.api_keys_visible_to(request.user),
            "can_manage": has_perm(request.user, Perm.MANAGE_API_KEYS),
        },
    )


@require_perm(Perm.MANAGE_API_KEYS)
def api_key_create(request: HttpRequest) -> HttpResponse:
    organisations = None
    if not has_network_wide_scope(request.user):
        from copnet.network.models import Organisation

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
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    key = selectors.access_api_key(request.user, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.do_revoke_api_key(key=key, actor=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, _("The key was revoked. It no longer works."))
        return redirect("accounts:api_keys")
    return render(request, "accounts/api_key_revoke.html", {"key": key, "form": form})
