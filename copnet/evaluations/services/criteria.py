"""Criteria sets as versioned reference data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from copnet.audit.choices import AuditAction
from copnet.audit.services import record_change

from ..errors import EvaluationError, EvaluationErrorCode
from ..models import CriteriaSet, Criterion, Section
from ..models.fields import join_codes

if TYPE_CHECKING:
    from copnet.accounts.models import User

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
SET_FIELDS = ("title_vi", "title_en", "description_vi", "description_en", "source")
CRITERION_FIELDS = (
    "text_vi",
    "text_en",
    "guidance_vi",
    "guidance_en",
    "evidence_vi",
    "evidence_en",
)


def load_criteria_sets(directory: Path = REFERENCE_DIR) -> int:
    """Create each (code, version) of the reference files that is missing; never edit one that
    exists. The highest version of each set becomes the current one."""
    created = 0
    for path in sorted(directory.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        with transaction.atomic():
            if CriteriaSet.objects.filter(code=data["code"], version=data["version"]).exists():
                continue
            _build(data)
            _mark_current(data["code"])
            created += 1
    return created


def _build(data: dict[str, Any]) -> CriteriaSet:
    criteria_set = CriteriaSet.objects.create(
        code=data["code"],
        version=data["version"],
        product_kinds=join_codes(data.get("product_kinds", [])),
        recommended_min=data.get("recommended_min", 80),
        basics_min=data.get("basics_min", 60),
        **{k: data.get(k, "") for k in SET_FIELDS},
    )
    for s_order, section_data in enumerate(data["sections"]):
        section = Section.objects.create(
            criteria_set=criteria_set,
            code=section_data["code"],
            title_vi=section_data["title_vi"],
            title_en=section_data["title_en"],
            order=s_order,
        )
        Criterion.objects.bulk_create(
            Criterion(
                section=section,
                code=row["code"],
                weight=row.get("weight", 1),
                mandatory=row.get("mandatory", False),
                product_kinds=join_codes(row.get("product_kinds", [])),
                to_verify=row.get("to_verify", False),
                order=c_order,
                **{k: row.get(k, "") for k in CRITERION_FIELDS},
            )
            for c_order, row in enumerate(section_data["criteria"])
        )
    return criteria_set


def _mark_current(code: str) -> None:
    latest = CriteriaSet.objects.filter(code=code).aggregate(v=Max("version"))["v"]
    CriteriaSet.objects.filter(code=code).exclude(version=latest).update(is_current=False)
    CriteriaSet.objects.filter(code=code, version=latest).update(is_current=True)


def set_in_use(criteria_set: CriteriaSet) -> bool:
    return criteria_set.evaluations.exists()


def do_new_criteria_version(*, criteria_set: CriteriaSet, actor: User) -> CriteriaSet:
    """Copy a set into the next version, which becomes current and can be edited; evaluations
    made on earlier versions keep their own copy of the criteria and their results."""
    with transaction.atomic():
        version = (
            CriteriaSet.objects.filter(code=criteria_set.code).aggregate(v=Max("version"))["v"] + 1
        )
        data = {
            "code": criteria_set.code,
            "version": version,
            "product_kinds": criteria_set.kinds,
            "recommended_min": criteria_set.recommended_min,
            "basics_min": criteria_set.basics_min,
            **{k: getattr(criteria_set, k) for k in SET_FIELDS},
            "sections": [
                {
                    "code": section.code,
                    "title_vi": section.title_vi,
                    "title_en": section.title_en,
                    "criteria": [
                        {
                            "code": c.code,
                            "weight": c.weight,
                            "mandatory": c.mandatory,
                            "to_verify": c.to_verify,
                            "product_kinds": [k for k in c.product_kinds.split(",") if k],
                            **{k: getattr(c, k) for k in CRITERION_FIELDS},
                        }
                        for c in section.criteria.all()
                    ],
                }
                for section in criteria_set.sections.all()
            ],
        }
        new = _build(data)
        _mark_current(criteria_set.code)
        new.refresh_from_db()
        record_change(
            actor=actor,
            action=AuditAction.CREATE,
            target=new,
            changes={"copied_from_version": criteria_set.version},
        )
    return new


def do_edit_criterion(*, criterion: Criterion, actor: User, **fields: Any) -> Criterion:
    """Edit a criterion of a version that no evaluation uses yet."""
    with transaction.atomic():
        if set_in_use(criterion.section.criteria_set):
            raise EvaluationError(
                EvaluationErrorCode.VERSION_IN_USE,
                _("Evaluations use this version of the criteria. Make a new version to change it."),
            )
        before = {k: getattr(criterion, k) for k in fields}
        for name, value in fields.items():
            setattr(criterion, name, value)
        criterion.full_clean()
        criterion.save()
        record_change(
            actor=actor,
            action=AuditAction.UPDATE,
            target=criterion,
            changes={k: [before[k], fields[k]] for k in fields if before[k] != fields[k]},
        )
    return criterion
