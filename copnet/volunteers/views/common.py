"""Helpers shared by the volunteer views."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse

from copnet.core.errors import DomainError, add_to_form

from ..certificates import certificate_pdf


def form_error(form: Any, exc: DomainError) -> None:
    add_to_form(form, exc)


def certificate_response(volunteer: Any) -> HttpResponse:
    response = HttpResponse(certificate_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{volunteer.pk}.pdf"'
    return response
