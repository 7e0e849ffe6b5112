"""Recruitment: the public application, the guardian's consent, and the review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, has_perm, lead_province
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change
from copnet.core.links import absolute_reverse
from copnet.core.mail import queue_email
from copnet.core.provinces import province_names
from copnet.core.workflow import check
from copnet.network.models import Organisation

from ..choices import (
    OPEN_APPLICATION_STATUSES,
    ApplicationStatus,
    Availability,
    Background,
    Skill,
)
from ..errors import VolunteerError, VolunteerErrorCode
from ..models import ADULT_AGE, Application, GuardianConsent, Volunteer, age_on, email_key
from ..workflow import APPLICATION, DECISIONS
from .common import clean_text, deny, hash_token, new_token

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal

MAX_MOTIVATION = 3000
MAX_HOURS_PER_MONTH = 160


@dataclass
class ApplicationInput:
    full_name: str
    email: str
    date_of_birth: Any
    province: str
    background: str
    motivation: str
    hours_per_month: Any
    phone: str = ""
    organisation_name: str = ""
    skills: list[str] = field(default_factory=list)
    availability: list[str] = field(default_factory=list)
    consent_vetting: bool = False
    consent_code: bool = False
    guardian_name: str = ""
    guardian_relationship: str = ""
    guardian_email: str = ""


def _subset(values: Any, allowed: list[str], name: str) -> list[str]:
    if not isinstance(values, list) or any(v not in allowed for v in values):
        raise VolunteerError(VolunteerErrorCode.INVALID_CHOICE, _("Choose from the options."), name)
    return sorted(set(values))


def _email(value: Any, name: str) -> str:
    text = clean_text(value, limit=254, field=name, required=True).lower()
    try:
        validate_email(text)
    except Exception as exc:
        raise VolunteerError(
            VolunteerErrorCode.INVALID_EMAIL, _("Enter a valid e-mail address."), name
        ) from exc
    return text


def check_application(data: ApplicationInput, *, today: dt.date | None = None) -> ApplicationInput:
    """Validate and normalise; raises VolunteerError; writes nothing."""
    today = today or timezone.localdate()
    data.full_name = clean_text(data.full_name, limit=200, field="full_name", required=True)
    data.email = _email(data.email, "email")
    data.phone = clean_text(data.phone, limit=40, field="phone")
    data.organisation_name = clean_text(
        data.organisation_name, limit=200, field="organisation_name"
    )
    data.motivation = clean_text(
        data.motivation, limit=MAX_MOTIVATION, field="motivation", required=True
    )
    if data.province not in province_names():
        raise VolunteerError(
            VolunteerErrorCode.INVALID_CHOICE, _("Choose your province from the list."), "province"
        )
    if data.background not in Background.values:
        raise VolunteerError(
            VolunteerErrorCode.INVALID_CHOICE, _("Choose from the options."), "background"
        )
    data.skills = _subset(data.skills, Skill.values, "skills")
    data.availability = _subset(data.availability, Availability.values, "availability")
    if not data.availability:
        raise VolunteerError(
            VolunteerErrorCode.REQUIRED, _("Say when you are available."), "availability"
        )
    if (
        not isinstance(data.hours_per_month, int)
        or not 1 <= data.hours_per_month <= MAX_HOURS_PER_MONTH
    ):
        raise VolunteerError(
            VolunteerErrorCode.INVALID_HOURS,
            _("Give a number of hours between 1 and %(max)s.") % {"max": MAX_HOURS_PER_MONTH},
            "hours_per_month",
        )
    born = data.date_of_birth
    if not isinstance(born, dt.date) or born > today or age_on(born, today) > 100:
        raise VolunteerError(
            VolunteerErrorCode.INVALID_DATE, _("Enter a valid date of birth."), "date_of_birth"
        )
    if age_on(born, today) < settings.VOLUNTEER_MIN_AGE:
        raise VolunteerError(
            VolunteerErrorCode.TOO_YOUNG,
            _("Volunteers must be at least %(age)s years old.")
            % {"age": settings.VOLUNTEER_MIN_AGE},
            "date_of_birth",
        )
    if not (data.consent_vetting is True and data.consent_code is True):
        raise VolunteerError(
            VolunteerErrorCode.CONSENT_REQUIRED,
            _("You must agree to the vetting and to the code of conduct."),
            "consent_code",
        )
    if age_on(born, today) < ADULT_AGE:
        data.guardian_name = clean_text(
            data.guardian_name, limit=200, field="guardian_name", required=True
        )
        data.guardian_relationship = clean_text(
            data.guardian_relationship, limit=50, field="guardian_relationship", required=True
        )
        data.guardian_email = _email(data.guardian_email, "guardian_email")
        if data.guardian_email == data.email:
            raise VolunteerError(
                VolunteerErrorCode.GUARDIAN_IS_APPLICANT,
                _("Your parent or guardian must confirm with their own e-mail address."),
                "guardian_email",
            )
    else:
        # An adult needs no guardian: whatever was sent in these fields is dropped.
        data.guardian_name = data.guardian_relationship = data.guardian_email = ""
    return data


def _duplicate(email: str) -> bool:
    return (
        Application.objects.filter(
            email_key=email_key(email), status__in=OPEN_APPLICATION_STATUSES
        ).exists()
        or User.objects.filter(email=email).exists()
    )


def _duplicate_error() -> VolunteerError:
    return VolunteerError(
        VolunteerErrorCode.DUPLICATE,
        _(
            "We already have an application or an account for this e-mail address. If you "
            "applied before, please wait for our answer."
        ),
        "email",
    )


def do_submit_application(data: ApplicationInput) -> Application:
    """Save a checked application. A second open application for the same e-mail is refused
    (and audited), also when two arrive at once (a partial unique index decides)."""
    if _duplicate(data.email):
        deny(
            actor=None,
            reason="duplicate volunteer application",
            target_type="volunteers.application",
            exc=_duplicate_error(),
        )
    try:
        with transaction.atomic():
            application = Application.objects.create(
                full_name=data.full_name,
                email=data.email,
                phone=data.phone,
                date_of_birth=data.date_of_birth,
                province=data.province,
                background=data.background,
                organisation_name=data.organisation_name,
                skills=data.skills,
                availability=data.availability,
                hours_per_month=data.hours_per_month,
                motivation=data.motivation,
                consent_vetting=True,
                consent_code=True,
            )
            raw = ""
            if data.guardian_email:
                raw, token_hash = new_token()
                consent = GuardianConsent.objects.create(
                    application=application,
                    guardian_name=data.guardian_name,
                    relationship=data.guardian_relationship,
                    guardian_email=data.guardian_email,
                    token_hash=token_hash,
                )
                queue_email(
                    key=f"volunteers.guardian_consent:{consent.pk}",
                    to=[data.guardian_email],
                    subject=_("Please confirm your child's volunteer application"),
                    body=_(
                        "%(name)s has applied to volunteer with the Child Online Protection "
                        "Network and named you as parent or guardian. Volunteers under 18 can "
                        "join only with your consent. To read what they applied for and give your "
                        "consent, open:\n\n%(link)s\n\nIf you do not agree, ignore this message."
                    )
                    % {
                        "name": data.full_name,
                        "link": absolute_reverse("volunteers:guardian", raw),
                    },
                )
            record_change(
                actor=None,
                action=AuditAction.CREATE,
                target=application,
                changes={"province": data.province, "minor": bool(raw)},
            )
    except IntegrityError:
        deny(
            actor=None,
            reason="duplicate volunteer application",
            target_type="volunteers.application",
            exc=_duplicate_error(),
        )
    return application


def consent_by_token(raw: str) -> GuardianConsent | None:
    if not isinstance(raw, str) or not 10 <= len(raw) <= 100:
        return None
    return (
        GuardianConsent.objects.select_related("application")
        .filter(token_hash=hash_token(raw))
        .first()
    )


def do_confirm_guardian_consent(*, raw_token: str, typed_name: str) -> GuardianConsent:
    """The guardian confirms through their link. A wrong or used link is refused and audited.
    (The guardian's IP address is not kept: the link itself, sent to their address, is the
    proof, and public channels store no addresses.)"""
    consent = consent_by_token(raw_token)
    if consent is None or consent.confirmed_at is not None:
        deny(
            actor=None,
            reason="invalid or used guardian consent link",
            target_type="volunteers.guardianconsent",
            exc=VolunteerError(
                VolunteerErrorCode.INVALID_LINK,
                _("This link is not valid or was already used."),
                None,
            ),
        )
    typed = clean_text(typed_name, limit=200, field="guardian_name", required=True)
    with transaction.atomic():
        locked = GuardianConsent.objects.select_for_update().get(pk=consent.pk)
        locked.confirmed_at = timezone.now()
        locked.confirmed_name = typed
        locked.save(update_fields=["confirmed_at", "confirmed_name"])
        record_change(
            actor=None,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"confirmed": True},
            reason="guardian consent confirmed through the emailed link",
        )
    return locked


def may_review(actor: Principal | None, application: Application) -> bool:
    if has_perm(actor, Perm.MANAGE_VOLUNTEERS):
        return True
    province = lead_province(actor)
    return province is not None and province == application.province


def volunteer_organisation(actor: User) -> Organisation | None:
    """The body whose accounts volunteers get (settings.VOLUNTEER_ORG), else the reviewer's."""
    org = Organisation.objects.filter(code=settings.VOLUNTEER_ORG).first()
    return org or actor.organisation


def _welcome_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return absolute_reverse("volunteers:welcome", uid, token)


def do_review_application(
    *, application: Application, decision: str, reason: str, actor: Principal | None
) -> Application:
    """accept / reject / more_info. Accepting creates the volunteer's account (no password:
    the applicant sets one through the e-mailed link) with level `new`."""
    # Only a person may review (may_review says so; the isinstance tells the type checker).
    if not may_review(actor, application) or not isinstance(actor, User):
        deny(actor=actor, reason="review of an application outside scope", target=application)
    reason = clean_text(reason, limit=2000, field="reason")
    if decision not in {"accept", "reject", "more_info"}:
        raise VolunteerError(VolunteerErrorCode.INVALID_CHOICE, _("Choose a decision."), "decision")
    if decision != "accept" and not reason:
        raise VolunteerError(
            VolunteerErrorCode.REASON_REQUIRED,
            _("Give the reason or the question for the applicant."),
            "reason",
        )
    user = None
    reply_link = ""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        check(APPLICATION, locked.status, DECISIONS[decision])
        before = locked.status
        if decision == "accept":
            consent = GuardianConsent.objects.filter(application=locked).first()
            if locked.is_minor and (consent is None or consent.confirmed_at is None):
                raise VolunteerError(
                    VolunteerErrorCode.GUARDIAN_CONSENT_MISSING,
                    _("The guardian has not confirmed their consent yet."),
                )
            if User.objects.filter(email=locked.email).exists():
                raise _duplicate_error()
            user = User.objects.create_user(
                email=locked.email,
                password=None,
                full_name=locked.full_name,
                organisation=volunteer_organisation(actor),
                role=Role.VOLUNTEER,
            )
            Volunteer.objects.create(
                user=user,
                application=locked,
                province=locked.province,
                skills=locked.skills,
                date_of_birth=locked.date_of_birth,
            )
            locked.status = ApplicationStatus.ACCEPTED
        elif decision == "reject":
            locked.status = ApplicationStatus.REJECTED
        else:
            locked.status = ApplicationStatus.MORE_INFO
            raw, locked.reply_token_hash = new_token()
            reply_link = absolute_reverse("volunteers:apply_reply", raw)
        locked.decision_reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save()
        record_change(
            actor=actor,
            action=AuditAction.TRANSITION,
            target=locked,
            changes={"status": [before, locked.status]},
            reason="application reviewed",
            note=reason,
        )
        _notify_applicant(locked, user=user, reply_link=reply_link)
    return locked


def _notify_applicant(application: Application, *, user: User | None, reply_link: str) -> None:
    """Queue the decision's e-mail, in the review's transaction (core.mail)."""
    email = application.email
    if user is not None:
        body = _(
            "Welcome to the volunteer network of the Child Online Protection Network. "
            "Choose your password here to sign in:\n\n%(link)s\n\nThen complete the required "
            "training before you take tasks."
        ) % {"link": _welcome_link(user)}
        subject = _("Your volunteer application was accepted")
    elif reply_link:
        body = _(
            "Thank you for applying. Before we decide, we need to know more:\n\n%(question)s"
            "\n\nAnswer here:\n%(link)s"
        ) % {"question": application.decision_reason, "link": reply_link}
        subject = _("A question about your volunteer application")
    else:
        body = _(
            "Thank you for applying. We cannot accept your application this time:\n\n%(reason)s"
        ) % {"reason": application.decision_reason}
        subject = _("Your volunteer application")
    reviewed = int(application.reviewed_at.timestamp()) if application.reviewed_at else 0
    queue_email(
        key=f"volunteers.application:{application.pk}:{application.status}:{reviewed}",
        to=[email],
        subject=subject,
        body=body,
    )


def application_by_reply_token(raw: str) -> Application | None:
    if not isinstance(raw, str) or not 10 <= len(raw) <= 100:
        return None
    return Application.objects.filter(
        reply_token_hash=hash_token(raw), status=ApplicationStatus.MORE_INFO
    ).first()


def do_reply_to_application(*, raw_token: str, reply: str) -> Application:
    application = application_by_reply_token(raw_token)
    if application is None:
        deny(
            actor=None,
            reason="invalid application reply link",
            target_type="volunteers.application",
            exc=VolunteerError(
                VolunteerErrorCode.INVALID_LINK,
                _("This link is not valid or was already used."),
                None,
            ),
        )
    reply = clean_text(reply, limit=MAX_MOTIVATION, field="reply", required=True)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        check(APPLICATION, locked.status, ApplicationStatus.PENDING, name="reply")
        locked.applicant_reply = reply
        locked.status = ApplicationStatus.PENDING
        locked.reply_token_hash = ""
        locked.save(update_fields=["applicant_reply", "status", "reply_token_hash"])
        record_change(
            actor=None,
            action=AuditAction.UPDATE,
            target=locked,
            changes={"status": [ApplicationStatus.MORE_INFO, ApplicationStatus.PENDING]},
            reason="applicant replied",
        )
    return locked


def check_review_scope(actor: Principal | None, application: Application) -> None:
    if not may_review(actor, application):
        raise PermissionDenied
