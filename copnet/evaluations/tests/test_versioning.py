"""A new version or an edit of the criteria never changes a past evaluation or its result."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from copnet.evaluations.choices import EvaluationStatus as S
from copnet.evaluations.errors import EvaluationError
from copnet.evaluations.models import CriteriaSet, Criterion
from copnet.evaluations.services.criteria import (
    REFERENCE_DIR,
    do_edit_criterion,
    do_new_criteria_version,
    load_criteria_sets,
)

from .factories import make_product, published, submit

pytestmark = pytest.mark.django_db


def test_reference_data_has_the_four_sets_in_both_languages(reference_data):
    sets = {s.code: s for s in CriteriaSet.objects.filter(is_current=True)}
    assert set(sets) == {"vn-law", "uk-aadc", "esafety-sbd", "tccs-03-2024"}
    counts = {
        code: Criterion.objects.filter(section__criteria_set=s).count() for code, s in sets.items()
    }
    assert counts == {"vn-law": 16, "uk-aadc": 15, "esafety-sbd": 9, "tccs-03-2024": 5}
    assert sets["esafety-sbd"].sections.count() == 3
    for criterion in Criterion.objects.all():
        assert all(
            [criterion.text_vi, criterion.text_en, criterion.evidence_vi, criterion.evidence_en]
        )
    codes = sorted(
        Criterion.objects.filter(section__criteria_set=sets["uk-aadc"]).values_list(
            "code", flat=True
        ),
        key=lambda c: int(c.split("-")[1]),
    )
    assert codes == [f"AADC-{n}" for n in range(1, 16)]


def test_loading_twice_creates_nothing_new(reference_data):
    assert load_criteria_sets() == 0
    assert CriteriaSet.objects.count() == 5  # vn-law has versions 1 and 2


def test_editing_criteria_after_publication_leaves_the_result_unchanged(client, cast, scored):
    evaluation = published(scored, cast["manager"])
    slug = evaluation.product.slug
    before_page = client.get(f"/ecosystem/{slug}/").content.decode()
    assert "100,0 %" in before_page

    # Someone edits the live criteria behind the workflow's back (e.g. a database fix) ...
    criterion = Criterion.objects.get(code="VN-1", section__criteria_set=evaluation.criteria_set)
    Criterion.objects.filter(pk=criterion.pk).update(
        weight=10, mandatory=False, text_vi="Tiêu chí đã bị sửa", text_en="An edited criterion"
    )
    # ... and a new version of the set is made and becomes current.
    new = do_new_criteria_version(criteria_set=evaluation.criteria_set, actor=cast["manager"])
    assert (new.version, new.is_current) == (3, True)
    assert not CriteriaSet.objects.get(code="vn-law", version=2).is_current

    evaluation.refresh_from_db()
    item = evaluation.items.get(code="VN-1")
    assert (item.weight, item.mandatory) == (3, True)
    assert item.text_en.startswith("Processing that publishes or discloses a child's private")
    assert evaluation.score == Decimal("100.0")
    assert evaluation.criteria_set.version == 2
    after_page = client.get(f"/ecosystem/{slug}/").content.decode()
    assert "Tiêu chí đã bị sửa" not in after_page
    assert "100,0 %" in after_page
    assert "(v2)" in after_page


def test_a_version_in_use_cannot_be_edited_through_the_service(cast, reviewing):
    criterion = Criterion.objects.get(code="VN-1", section__criteria_set=reviewing.criteria_set)
    with pytest.raises(EvaluationError) as error:
        do_edit_criterion(criterion=criterion, actor=cast["manager"], weight=9)
    assert error.value.code == "version_in_use"
    criterion.refresh_from_db()
    assert criterion.weight == 3


def test_a_new_version_can_be_edited_and_new_submissions_use_it(cast, reviewing):
    new = do_new_criteria_version(criteria_set=reviewing.criteria_set, actor=cast["manager"])
    criterion = Criterion.objects.get(code="VN-9", section__criteria_set=new)
    do_edit_criterion(criterion=criterion, actor=cast["manager"], weight=2)
    other = make_product(cast["vendor"], name="Bé Vẽ Tranh")
    fresh = submit(cast["vendor"], other)
    assert fresh.criteria_set == new
    assert fresh.items.get(code="VN-9").weight == 2
    assert reviewing.items.get(code="VN-9").weight == 1


def test_a_newer_reference_file_adds_a_version_and_keeps_the_old_one(reference_data, tmp_path):
    data = json.loads((REFERENCE_DIR / "esafety-sbd.json").read_text(encoding="utf-8"))
    data["version"] = 2
    data["sections"][0]["criteria"][0]["weight"] = 5
    (tmp_path / "esafety-sbd.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_criteria_sets(tmp_path) == 1
    old, new = CriteriaSet.objects.filter(code="esafety-sbd").order_by("version")
    assert (old.is_current, new.is_current) == (False, True)
    assert Criterion.objects.get(section__criteria_set=old, code="SBD-1").weight == 3
    assert Criterion.objects.get(section__criteria_set=new, code="SBD-1").weight == 5


def test_the_admin_refuses_to_change_a_version_in_use(admin_client, cast, reviewing):
    criterion = Criterion.objects.get(code="VN-1", section__criteria_set=reviewing.criteria_set)
    response = admin_client.post(
        f"/admin/evaluations/criterion/{criterion.pk}/change/", {"weight": 9}
    )
    assert response.status_code == 403
    criterion.refresh_from_db()
    assert criterion.weight == 3
    assert reviewing.status == S.IN_REVIEW


def test_the_admin_makes_a_new_version_that_can_be_edited(admin_client, cast, reviewing):
    response = admin_client.post(
        "/admin/evaluations/criteriaset/",
        {"action": "new_version", "_selected_action": [reviewing.criteria_set.pk]},
    )
    assert response.status_code == 302
    new = CriteriaSet.objects.get(code="vn-law", version=3)
    assert new.is_current
    criterion = Criterion.objects.get(code="VN-1", section__criteria_set=new)
    page = admin_client.get(f"/admin/evaluations/criterion/{criterion.pk}/change/")
    assert b'name="weight"' in page.content


def test_vn_law_version_2_follows_the_law_of_2026(reference_data):
    old = CriteriaSet.objects.get(code="vn-law", version=1)
    new = CriteriaSet.objects.get(code="vn-law", is_current=True)
    assert (old.is_current, new.version) == (False, 2)
    assert "356/2025" in new.description_en
    assert "replaced Decree 13/2023" in new.description_en

    def text(code: str) -> str:
        return Criterion.objects.get(section__criteria_set=new, code=code).text_en

    assert "publishes or discloses" in text("VN-1")
    assert "legal representative" in text("VN-1")
    assert "identity documents" in text("VN-14")
    assert "artificial intelligence" in text("VN-15")
    assert "2 working days" in text("VN-12")
    # What the brief marks "verify" is marked so in the data too.
    assert Criterion.objects.get(section__criteria_set=new, code="VN-13").to_verify
    assert "to verify" in text("VN-13")


def test_the_tccs_set_has_the_five_public_groups_and_every_item_is_to_verify(reference_data):
    tccs = CriteriaSet.objects.get(code="tccs-03-2024", is_current=True)
    assert [s.code for s in tccs.sections.all()] == [
        "documentation",
        "features",
        "compliance",
        "security",
        "performance",
    ]
    criteria = Criterion.objects.filter(section__criteria_set=tccs)
    assert criteria.count() == 5
    assert all(c.to_verify and c.guidance_en.startswith("To verify") for c in criteria)


def test_an_evaluation_on_version_1_keeps_its_own_copy_when_version_2_is_loaded(cast):
    """An evaluation made before the 2026 version still reads the criteria it was made with."""
    # As before version 2 was published: version 1 is the current one.
    CriteriaSet.objects.filter(code="vn-law", version=2).delete()
    CriteriaSet.objects.filter(code="vn-law", version=1).update(is_current=True)
    evaluation = submit(cast["vendor"], make_product(cast["vendor"], name="Trò chơi cũ"))
    assert evaluation.criteria_set.version == 1
    assert load_criteria_sets() == 1
    assert CriteriaSet.objects.get(code="vn-law", is_current=True).version == 2
    evaluation.refresh_from_db()
    assert evaluation.criteria_set.version == 1
    assert evaluation.items.get(code="VN-1").text_en.startswith("Before it processes")
    assert not evaluation.items.filter(code="VN-14").exists()
