"""Writes of the campaigns app: plans, materials, activities, tracked links, survey answers."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record, save_with_audit
from copnet.core import uploads

from .errors import CampaignError, CampaignErrorCode
from .models import (
    Activity,
    Campaign,
    LinkDay,
    Material,
    SurveyQuestion,
    SurveyResponse,
    TrackedLink,
)

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal
    from copnet.education.models import Course
    from copnet.network.models import Organisation

MAX_MATERIAL_BYTES = 10 * 1024 * 1024
# The file types the materials library accepts (served publicly, so judged by content only).
MATERIAL_TYPES = (uploads.PDF, uploads.PNG, uploads.JPEG)
LINK_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def do_save_campaign(
    *,
    campaign: Campaign,
    actor: Principal | None,
    partners: Iterable[Organisation] | None = None,
    courses: Iterable[Course] | None = None,
) -> Campaign:
    with transaction.atomic():
        save_with_audit(instance=campaign, actor=actor)
        if partners is not None:
            campaign.partners.set(list(partners))
        if courses is not None:
            campaign.courses.set(list(courses))
    return campaign


def check_material_file(data: bytes) -> tuple[str, str]:
    """(mime, extension) of an accepted material file, judged by its bytes, not its name:
    pictures must decode, a PDF must be complete, and nothing may hide another file."""
    try:
        checked = uploads.check_upload(data, allowed=MATERIAL_TYPES, max_bytes=MAX_MATERIAL_BYTES)
    except uploads.UploadError as error:
        message: str | Promise
        code, message = CampaignErrorCode.FILE_TYPE, str(error.message)  # what is wrong
        if error.code == "too_large":  # an upload code (core.uploads), not a campaign code
            code, message = CampaignErrorCode.TOO_LARGE, CampaignErrorCode.TOO_LARGE.label
        elif error.code == "unsupported_type":
            message = _("Upload a PDF, PNG or JPEG file.")
        raise CampaignError(code, message, "file") from error
    return checked.mime, checked.extension


def do_add_material(
    *, material: Material, actor: Principal | None, data: bytes | None = None
) -> Material:
    """Add a material (a checked file, a link, or both); a refused file leaves nothing behind."""
    if data is None and not material.link:
        raise CampaignError(CampaignErrorCode.EMPTY, _("Upload a file or give a link."), "file")
    checked = check_material_file(data) if data is not None else None
    with transaction.atomic():
        if checked and data is not None:
            material.mime, ext = checked
            material.file.save(
                f"material-{secrets.token_hex(8)}.{ext}", ContentFile(data), save=False
            )
        save_with_audit(instance=material, actor=actor)
    return material


def do_save_activity(*, activity: Activity, actor: Principal | None) -> Activity:
    return save_with_audit(instance=activity, actor=actor)


def do_create_link(
    *,
    campaign: Campaign,
    actor: Principal | None,
    label: str,
    target: str,
    course: Course | None = None,
) -> TrackedLink:
    for _attempt in range(10):
        code = "".join(secrets.choice(LINK_ALPHABET) for _ in range(7))
        try:
            with transaction.atomic():
                link = TrackedLink(
                    campaign=campaign, code=code, label=label, target=target, course=course
                )
                return save_with_audit(instance=link, actor=actor)
        except IntegrityError:
            continue
    raise CampaignError(CampaignErrorCode.CODE, _("Could not create a short code. Try again."))


def do_count_visit(*, link: TrackedLink) -> None:
    """Count one visit: the link's total and today's count, nothing about the visitor."""
    today = timezone.localdate()
    with transaction.atomic():
        TrackedLink.objects.filter(pk=link.pk).update(visits=F("visits") + 1)
        updated = LinkDay.objects.filter(link=link, day=today).update(visits=F("visits") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    LinkDay.objects.create(link=link, day=today, visits=1)
            except IntegrityError:  # another request created today's row first
                LinkDay.objects.filter(link=link, day=today).update(visits=F("visits") + 1)


def do_save_survey_question(*, question: SurveyQuestion, actor: Principal | None) -> SurveyQuestion:
    return save_with_audit(instance=question, actor=actor)


def do_submit_survey(*, campaign: Campaign, phase: str, answers: dict[str, Any]) -> SurveyResponse:
    """Store one anonymous answer sheet; every question must have a rating from 1 to 5."""
    questions = {str(pk) for pk in campaign.questions.values_list("pk", flat=True)}
    if not questions:
        raise CampaignError(CampaignErrorCode.NO_SURVEY, _("This campaign has no survey."))
    clean: dict[str, int] = {}
    for key, value in answers.items():
        if key not in questions:
            raise CampaignError(
                CampaignErrorCode.BAD_ANSWER, _("These answers do not belong to this survey.")
            )
        try:
            rating = int(value)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise CampaignError(
                CampaignErrorCode.BAD_ANSWER, _("Choose a rating from 1 to 5 for each statement.")
            )
        clean[key] = rating
    if set(clean) != questions:
        raise CampaignError(
            CampaignErrorCode.UNANSWERED, _("Choose a rating from 1 to 5 for each statement.")
        )
    return SurveyResponse.objects.create(campaign=campaign, phase=phase, answers=clean)


def do_set_public(*, campaign: Campaign, is_public: bool, actor: Principal | None) -> Campaign:
    with transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(is_public=is_public)
        campaign.is_public = is_public
        record(
            actor=actor,
            action=AuditAction.UPDATE,
            target=campaign,
            changes={"is_public": [not is_public, is_public]},
        )
    return campaign
