"""Helpers shared by the volunteer views."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.http import HttpResponse

from copnet.core.errors import DomainError, add_to_form

from ..certificates import certificate_pdf

if TYPE_CHECKING:
    from ..models import Volunteer


def form_error(form: forms.BaseForm, exc: DomainError) -> None:
    add_to_form(form, exc)


def certificate_response(volunteer: Volunteer) -> HttpResponse:
    response = HttpResponse(certificate_pdf(volunteer), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{volunteer.pk}.pdf"'
    return response
