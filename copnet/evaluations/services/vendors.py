"""Vendors register themselves, describe their products and check them against the criteria."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.accounts.permissions import is_active_person
from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change, snapshot
from copnet.core.text import clean_text
from copnet.network.choices import OrganisationKind
from copnet.network.models import Organisation

from .. import scoring
from ..choices import OPEN_STATUSES, EvaluationStatus, ScoreValue
from ..errors import EvaluationError, EvaluationErrorCode
from ..models import CriteriaSet, Product, SelfAssessment, Vendor

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def nfc(text: str) -> str:
    """Text cleaned by `core.text.clean_text`."""
    return clean_text(text or "")


def _organisation_code(name: str) -> str:
    base = (slugify(name)[:20].strip("-") or "vendor").upper()
    while True:
        code = f"V-{base}-{secrets.token_hex(3).upper()}"
        if not Organisation.objects.filter(code=code).exists():
            return code


def do_register_vendor(
    *,
    organisation_name: str,
    website: str,
    full_name: str,
    email: str,
    password: str = "",
    password_hash: str = "",
) -> User:
    """A new vendor organisation (no Network membership) and its first account (role vendor),
    with `password`, or with a password already hashed (a confirmed sign-up link)."""
    email = User.objects.normalize_email(email).lower()
    name = nfc(organisation_name)
    with transaction.atomic():
        if User.objects.filter(email__iexact=email).exists():
            raise EvaluationError(
                EvaluationErrorCode.EMAIL_TAKEN,
                _("An account with this e-mail address already exists."),
                "email",
            )
        organisation = Organisation.objects.create(
            code=_organisation_code(name),
            abbreviation=name[:40],
            name_vi=name,
            name_en=name,
            kind=OrganisationKind.ENTERPRISE,
            website=website,
        )
        user = User.objects.create_user(
            email=email,
            password=password or None,
            full_name=nfc(full_name),
            organisation=organisation,
            role=Role.VENDOR,
        )
        if password_hash:
            user.password = password_hash
            user.save(update_fields=["password"])
        vendor = Vendor.objects.create(
            organisation=organisation, website=website, registered_by=user
        )
        record_change(actor=user, action=AuditAction.CREATE, target=organisation)
        record_change(actor=user, action=AuditAction.CREATE, target=vendor)
        record_change(
            actor=user, action=AuditAction.CREATE, target=user, changes={"role": "vendor"}
        )
    return user


def vendor_of(user: Principal | None) -> Vendor | None:
    """The vendor a signed-in vendor account acts for, or None."""
    if not is_active_person(user) or user.role != Role.VENDOR or not user.organisation_id:
        return None
    return (
        Vendor.objects.select_related("organisation")
        .filter(organisation_id=user.organisation_id)
        .first()
    )


LOCKING_STATUSES = OPEN_STATUSES | {EvaluationStatus.PUBLISHED}


def product_locked(product: Product) -> bool:
    """A product under evaluation, or listed in the catalogue, keeps the facts it was judged on."""
    return (
        product.pk is not None and product.evaluations.filter(status__in=LOCKING_STATUSES).exists()
    )


def do_save_product(*, product: Product, vendor: Vendor, actor: User) -> Product:
    creating = product.pk is None
    with transaction.atomic():
        if not creating:
            current = Product.objects.select_for_update().get(pk=product.pk)
            if current.vendor_id != vendor.pk:
                raise EvaluationError(EvaluationErrorCode.NOT_FOUND, _("Not found."))
            if product_locked(current):
                raise EvaluationError(
                    EvaluationErrorCode.PRODUCT_LOCKED,
                    _(
                        "This product is being evaluated or is listed in the catalogue, so its "
                        "details cannot change now."
                    ),
                )
            before = snapshot(current)
        else:
            product.vendor = vendor
            product.slug = (
                f"{slugify(product.name)[:60].strip('-') or 'product'}-{secrets.token_hex(3)}"
            )
            before = {}
        product.name = nfc(product.name)
        product.full_clean()
        product.save()
        after = snapshot(product)
        record_change(
            actor=actor,
            action=AuditAction.CREATE if creating else AuditAction.UPDATE,
            target=product,
            changes={k: [before.get(k), v] for k, v in after.items() if before.get(k) != v},
        )
    return product


@dataclass(frozen=True)
class SelfCheck:
    result: scoring.Result
    answered: int
    total: int
    mandatory_gaps: list[str]  # codes of mandatory criteria not (yet) met


def applicable_criteria(criteria_set: CriteriaSet, kind: str) -> list[Any]:
    return [
        criterion
        for section in criteria_set.sections.prefetch_related("criteria").all()
        for criterion in section.criteria.all()
        if criterion.applies_to(kind)
    ]


def do_save_self_assessment(
    *,
    product: Product,
    criteria_set: CriteriaSet,
    answers: dict[str, str],
    notes: dict[str, str],
    actor: User,
) -> SelfAssessment:
    codes = {c.code for c in applicable_criteria(criteria_set, product.kind)}
    valid = set(ScoreValue.values)
    for code, value in answers.items():
        if code not in codes or (value and value not in valid):
            raise EvaluationError(
                EvaluationErrorCode.INVALID_SCORE, _("Choose a score from the list."), code
            )
    with transaction.atomic():
        assessment, _created = SelfAssessment.objects.get_or_create(
            product=product, criteria_set=criteria_set
        )
        assessment.answers = {k: v for k, v in answers.items() if v}
        assessment.notes = {k: nfc(v)[:2000] for k, v in notes.items() if k in codes and v}
        assessment.updated_by = actor
        assessment.save()
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=assessment,
            changes={"answered": len(assessment.answers)},
        )
    return assessment


def self_check(assessment: SelfAssessment) -> SelfCheck:
    criteria = applicable_criteria(assessment.criteria_set, assessment.product.kind)
    scored = [
        scoring.Scored(c.weight, c.mandatory, assessment.answers.get(c.code, ScoreValue.NOT_MET))
        for c in criteria
    ]
    gaps = [
        c.code
        for c in criteria
        if c.mandatory
        and assessment.answers.get(c.code) not in (ScoreValue.MET, ScoreValue.NOT_APPLICABLE)
    ]
    return SelfCheck(
        result=scoring.result(
            scored,
            recommended_min=assessment.criteria_set.recommended_min,
            basics_min=assessment.criteria_set.basics_min,
        ),
        answered=sum(1 for c in criteria if assessment.answers.get(c.code)),
        total=len(criteria),
        mandatory_gaps=gaps,
    )
