"""Public recruitment pages: apply, the reviewer's question, guardian consent, welcome."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from copnet.core.errors import DomainError
from copnet.core.page_cache import public_page
from copnet.core.provinces import province_name
from copnet.core.ratelimit import check_rate, refused_page, wait_message

from ..errors import VolunteerError
from ..forms import ApplicationForm, GuardianConsentForm, ReplyForm
from ..services import applications
from .common import form_error


def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(request.POST or None)
    if request.method == "POST":
        wait = check_rate(request, "volunteer-apply")
        if wait:
            form.add_error(None, wait_message(wait))
            return refused_page(
                request,
                "volunteers/apply.html",
                {"form": form, "min_age": settings.VOLUNTEER_MIN_AGE},
                wait,
            )
        if form.is_valid():
            try:
                application = applications.do_submit_application(
                    applications.check_application(form.to_input())
                )
            except VolunteerError as exc:
                form_error(form, exc)
            else:
                request.session["volunteer_application"] = {
                    "minor": application.is_minor,
                }
                return redirect("volunteers:apply_thanks")
    return render(
        request, "volunteers/apply.html", {"form": form, "min_age": settings.VOLUNTEER_MIN_AGE}
    )


def apply_thanks(request: HttpRequest) -> HttpResponse:
    receipt = request.session.pop("volunteer_application", None)
    if receipt is None:
        return redirect("volunteers:apply")
    return render(request, "volunteers/apply_thanks.html", {"receipt": receipt})


@never_cache  # the reviewer's question to the applicant
def apply_reply(request: HttpRequest, token: str) -> HttpResponse:
    application = applications.application_by_reply_token(token)
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applications.do_reply_to_application(raw_token=token, reply=form.cleaned_data["reply"])
        except DomainError as exc:
            form_error(form, exc)
        else:
            return render(
                request,
                "volunteers/message.html",
                {
                    "title": _("Thank you"),
                    "text": _("We have your answer and will review your application again."),
                },
            )
    if application is None and request.method != "POST":
        return render(
            request,
            "volunteers/message.html",
            {
                "title": _("Link not valid"),
                "text": _("This link is not valid or was already used."),
            },
            status=404,
        )
    return render(
        request,
        "volunteers/apply_reply.html",
        {"form": form, "question": application.decision_reason if application else ""},
    )


@never_cache  # shows the child's application to the guardian
def guardian_consent(request: HttpRequest, token: str) -> HttpResponse:
    consent = applications.consent_by_token(token)
    form = GuardianConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            applications.do_confirm_guardian_consent(
                raw_token=token,
                typed_name=form.cleaned_data["guardian_name"],
            )
        except VolunteerError as exc:
            return render(
                request,
                "volunteers/message.html",
                {"title": _("Link not valid"), "text": exc.message},
                status=404,
            )
        return render(
            request,
            "volunteers/message.html",
            {
                "title": _("Thank you"),
                "text": _("Your consent is recorded. The Network will now review the application."),
            },
        )
    if consent is None or consent.confirmed_at is not None:
        return render(
            request,
            "volunteers/message.html",
            {
                "title": _("Link not valid"),
                "text": _("This link is not valid or was already used."),
            },
            status=404,
        )
    return render(
        request,
        "volunteers/guardian.html",
        {
            "form": form,
            "application": consent.application,
            "consent": consent,
            "province": province_name(consent.application.province),
        },
    )


class WelcomeView(auth_views.PasswordResetConfirmView):
    """An accepted volunteer chooses a password through the e-mailed link."""

    template_name = "volunteers/welcome.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form: Any) -> HttpResponse:
        messages.success(self.request, _("Your password is set. Sign in to start."))
        return super().form_valid(form)


@public_page
def conduct(request: HttpRequest) -> HttpResponse:
    """The code of conduct an applicant accepts (linked from the application form)."""
    return render(request, "volunteers/conduct.html")
