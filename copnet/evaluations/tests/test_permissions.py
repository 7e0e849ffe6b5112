"""Who may do what: vendors never reach staff or case pages; need-to-know on every record."""

from __future__ import annotations

import pytest

from copnet.accounts.choices import Role
from copnet.accounts.permissions import ROLE_PERMS, Perm, visible_to
from copnet.accounts.tests.factories import make_user
from copnet.evaluations.models import Evaluation, Product, VendorDocument
from copnet.reports.tests.factories import file_report

from .factories import make_evaluator, make_product, make_vendor_user, submit

pytestmark = pytest.mark.django_db

STAFF_AND_CASE_URLS = [
    "/staff/",
    "/staff/cases/",
    "/staff/audit/",
    "/staff/categories/",
    "/staff/routing/",
    "/staff/evaluations/",
    "/network/manage/",
    "/accounts/people/",
    "/accounts/api-keys/",
    "/report/hotline/",
    "/report/volunteer/",
]


def test_the_vendor_role_has_no_staff_case_or_evaluator_permission():
    assert ROLE_PERMS[Role.VENDOR] == {Perm.SUBMIT_PRODUCTS, Perm.VIEW_EVALUATIONS}


@pytest.mark.parametrize("url", STAFF_AND_CASE_URLS)
def test_a_vendor_is_refused_every_staff_and_case_page(client, cast, url):
    client.force_login(cast["vendor"])
    assert client.get(url).status_code == 403


def test_a_vendor_cannot_open_a_case_or_the_admin(client, cast, evidence_dir):
    report, _secret = file_report()
    client.force_login(cast["vendor"])
    assert client.get(f"/staff/cases/{report.case.reference}/").status_code == 403
    assert client.get("/admin/").status_code == 302  # not staff: sent to the admin login


def test_a_vendors_login_lands_in_the_vendor_area(client, cast):
    from copnet.accounts.tests.factories import PASSWORD

    response = client.post(
        "/accounts/login/", {"username": cast["vendor"].email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/ecosystem/vendor/"


def test_a_vendor_sees_nothing_of_another_vendor(client, cast):
    other_user = make_vendor_user(name="Đối thủ", email="rival@rival.example")
    product = make_product(other_user, name="Sản phẩm đối thủ")
    evaluation = submit(other_user, product)
    document = evaluation.documents.get()
    client.force_login(cast["vendor"])
    for url in (
        f"/ecosystem/vendor/products/{product.pk}/",
        f"/ecosystem/vendor/products/{product.pk}/edit/",
        f"/ecosystem/vendor/products/{product.pk}/submit/",
        f"/ecosystem/vendor/evaluations/{evaluation.pk}/",
        f"/ecosystem/vendor/documents/{document.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert "Sản phẩm đối thủ" not in client.get("/ecosystem/vendor/").content.decode()
    assert not visible_to(cast["vendor"], Product.objects.filter(pk=product.pk)).exists()
    assert not visible_to(cast["vendor"], Evaluation.objects.filter(pk=evaluation.pk)).exists()


def test_a_vendor_downloads_its_own_document_as_an_attachment(client, cast):
    evaluation = submit(cast["vendor"], make_product(cast["vendor"]))
    document = evaluation.documents.get()
    client.force_login(cast["vendor"])
    response = client.get(f"/ecosystem/vendor/documents/{document.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF-")


def test_a_vendor_does_not_see_the_evaluators_scores_page(client, cast, reviewing):
    client.force_login(cast["vendor"])
    assert client.get(f"/staff/evaluations/{reviewing.pk}/").status_code == 403


def test_an_evaluator_sees_only_evaluations_assigned_to_them(client, cast, reviewing, org_b):
    outsider = make_evaluator("outsider@b.example", org_b)
    client.force_login(outsider)
    assert "Bé Học Vui" not in client.get("/staff/evaluations/").content.decode()
    client.force_login(cast["eva"])
    assert "Bé Học Vui" in client.get("/staff/evaluations/").content.decode()
    assert client.get(f"/staff/evaluations/{reviewing.pk}/").status_code == 200


def test_an_evaluator_cannot_take_manager_steps(client, cast, reviewing):
    client.force_login(cast["eva"])
    for step in ("accept", "decide", "assign", "publish", "return", "withdraw"):
        assert client.post(f"/staff/evaluations/{reviewing.pk}/{step}/").status_code == 403
    reviewing.refresh_from_db()
    assert reviewing.status == "in_review"


def test_staff_without_the_evaluation_role_see_no_evaluation(client, cast, reviewing, alice):
    client.force_login(alice)
    assert client.get("/staff/evaluations/").status_code == 403
    assert client.get(f"/staff/evaluations/{reviewing.pk}/").status_code == 403
    assert not visible_to(alice, VendorDocument.objects.all()).exists()


def test_viewing_an_evaluation_is_audited(client, cast, reviewing):
    from copnet.audit.models import AuditEvent

    client.force_login(cast["eva"])
    client.get(f"/staff/evaluations/{reviewing.pk}/")
    assert AuditEvent.objects.filter(
        action="view", target_type="evaluations.evaluation", actor=cast["eva"]
    ).exists()


def test_evaluator_evidence_files_stay_with_evaluators_and_managers(client, cast, reviewing):
    from copnet.evaluations.choices import ScoreValue
    from copnet.evaluations.models import ScoreEvidence
    from copnet.evaluations.services import scores

    from .factories import png_bytes

    item = reviewing.items.get(code="VN-1")
    scores.do_save_scores(
        evaluation=reviewing,
        entries=[scores.ScoreEntry(item.pk, ScoreValue.MET, filename="a.png", data=png_bytes())],
        actor=cast["eva"],
    )
    evidence = ScoreEvidence.objects.get()
    url = f"/staff/evaluations/evidence/{evidence.pk}/"
    client.force_login(cast["vendor"])
    assert client.get(url).status_code == 403
    client.force_login(cast["manager"])
    assert client.get(url).status_code == 200
    client.force_login(cast["eva"])
    assert client.get(url).status_code == 200
    outsider = make_user(
        email="o@x.example", organisation=cast["eva"].organisation, role=Role.OFFICER
    )
    client.force_login(outsider)
    assert client.get(url).status_code == 403


def test_an_evaluator_does_not_see_the_other_evaluators_scores_while_scoring(
    client, cast, reviewing
):
    from copnet.evaluations.choices import ScoreValue
    from copnet.evaluations.services import scores

    item = reviewing.items.get(code="VN-2")
    scores.do_save_scores(
        evaluation=reviewing,
        entries=[scores.ScoreEntry(item.pk, ScoreValue.NOT_MET, note="Ghi chú riêng của Evan")],
        actor=cast["evan"],
    )
    client.force_login(cast["eva"])
    page = client.get(f"/staff/evaluations/{reviewing.pk}/").content.decode()
    assert "Ghi chú riêng của Evan" not in page
    assert "evan@uni.example:" not in page
    assert 'class="differs"' not in page
    client.force_login(cast["manager"])
    assert (
        "Ghi chú riêng của Evan"
        in client.get(f"/staff/evaluations/{reviewing.pk}/").content.decode()
    )
