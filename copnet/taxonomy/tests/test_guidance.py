"""Advice for reporters by harm: reference data in both languages, loaded idempotently without
overwriting editors' changes, edited in the admin with an audit row, shown on the form, the
thanks page and the status page, with a fallback for the other categories."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from copnet.audit.models import AuditEvent
from copnet.taxonomy.guidance import GUIDANCE_FILE, advice_for, load_guidance
from copnet.taxonomy.models import HarmCategory, HarmGuidance

REQUIRED = ["sextortion", "grooming", "cyberbullying", "self_harm", "scam_gambling"]
REQUIRED += ["online_kidnapping"]

pytestmark = pytest.mark.usefixtures("reference_data")


@pytest.mark.django_db
def test_every_required_harm_has_complete_advice_in_both_languages():
    for code in REQUIRED:
        guidance = HarmGuidance.objects.get(category__code=code)
        for field in ("do_now", "dont", "next", "who_sees", "call_when"):
            assert getattr(guidance, f"{field}_vi").strip(), (code, field)
            assert getattr(guidance, f"{field}_en").strip(), (code, field)
        assert "111" in guidance.call_when_vi
        advice = advice_for(guidance.category)
        assert advice is not None
        assert advice.lesson_url.startswith("/learn/course/")
    sextortion = HarmGuidance.objects.get(category__code="sextortion")
    for words in ("trả tiền", "gửi thêm", "xóa cuộc trò chuyện", "Chặn", "không có lỗi"):
        assert words in sextortion.do_now_vi + sextortion.dont_vi


@pytest.mark.django_db
def test_loading_again_creates_nothing_and_keeps_an_editors_change():
    guidance = HarmGuidance.objects.get(category__code="sextortion")
    guidance.next_vi = "Đã sửa bởi biên tập viên."
    guidance.save()
    assert load_guidance() == 0
    call_command("load_reference_data", verbosity=0)
    guidance.refresh_from_db()
    assert guidance.next_vi == "Đã sửa bởi biên tập viên."
    codes = {row["code"] for row in json.loads(GUIDANCE_FILE.read_text())["guidance"]}
    assert HarmGuidance.objects.count() == len(codes)


@pytest.mark.django_db
def test_a_new_version_moves_only_unedited_fields(tmp_path):
    current = json.loads(GUIDANCE_FILE.read_text())
    (tmp_path / "history").mkdir()
    (tmp_path / "history" / "guidance-v1.json").write_text(json.dumps(current))
    new = json.loads(json.dumps(current))
    new["version"] = 2
    for row in new["guidance"]:
        if row["code"] == "sextortion":
            row["next_en"] = "New next steps."
            row["next_vi"] = "Bước tiếp theo mới."
    (tmp_path / "guidance.json").write_text(json.dumps(new))
    HarmGuidance.objects.filter(category__code="sextortion").update(next_vi="Biên tập viên sửa.")
    load_guidance(tmp_path / "guidance.json")
    guidance = HarmGuidance.objects.get(category__code="sextortion")
    assert guidance.next_en == "New next steps."
    assert guidance.next_vi == "Biên tập viên sửa."
    assert AuditEvent.objects.filter(target_type="taxonomy.harmguidance").exists()


@pytest.mark.django_db
def test_a_category_without_its_own_advice_gets_the_general_one():
    drugs = HarmCategory.objects.get(code="drugs")
    assert not HarmGuidance.objects.filter(category=drugs).exists()
    advice = advice_for(drugs)
    assert advice is not None
    assert advice.guidance.category.code == "other"
    assert advice.category == drugs


@pytest.mark.django_db
def test_the_form_shows_each_harms_advice_in_the_visitors_language(client):
    html = client.get("/report/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-advice-for="sextortion" hidden' in html
    assert "Don&#x27;t pay money" in html or "Don't pay money" in html
    assert "/report/self-hash/" in html
    vi_html = client.get("/report/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Đừng trả tiền" in vi_html
    chosen = client.post(
        "/report/", {"category": "sextortion", "wants_contact": "on"}, HTTP_ACCEPT_LANGUAGE="vi"
    ).content.decode()
    assert 'data-advice-for="sextortion">' in chosen  # shown without script after an error


@pytest.mark.django_db
def test_an_editor_changes_the_advice_in_the_admin_and_it_is_audited(client, django_user_model):
    editor = django_user_model.objects.create_superuser(email="editor@a.example", password="x" * 12)
    client.force_login(editor)
    guidance = HarmGuidance.objects.get(category__code="grooming")
    page = client.get(f"/admin/taxonomy/harmguidance/{guidance.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["category"] = guidance.category_id
    data["course"] = guidance.course_id or ""
    data["lesson_order"] = guidance.lesson_order if guidance.lesson_order is not None else ""
    data["dont_vi"] = "Đừng đi gặp người đó.\nĐừng gửi ảnh."
    response = client.post(f"/admin/taxonomy/harmguidance/{guidance.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    guidance.refresh_from_db()
    assert guidance.dont_items == ["Đừng đi gặp người đó.", "Đừng gửi ảnh."]
    event = AuditEvent.objects.filter(
        target_type="taxonomy.harmguidance", target_id=str(guidance.pk)
    ).latest("at")
    assert "dont_vi" in event.changes
    html = client.get("/report/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "Đừng đi gặp người đó." in html
