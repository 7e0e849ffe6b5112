"""Reads for the reporter's own pages: the report they proved with its code and secret is the
capability (there is no account to scope by), as on the status page."""

from __future__ import annotations

from django.db.models import QuerySet

from copnet.reports.models import Report

from .choices import RequestKind, RequestStatus
from .models import SubjectRequest


def requests_of(report: Report) -> QuerySet[SubjectRequest]:
    return SubjectRequest.objects.filter(report=report).order_by("-received_at")


def answered_access(report: Report, pk: int) -> SubjectRequest | None:
    return SubjectRequest.objects.filter(
        pk=pk, report=report, kind=RequestKind.ACCESS, status=RequestStatus.ANSWERED
    ).first()
