"""Forbidden looks like missing, on every route, for every role of another organisation.

Organisation B (and province 79 of the volunteer network) has one record of each kind: a case
with its report, evidence and removal request, a feed entry and an appeal, a person and an API
key, a vendor's product with its evaluation and document, a campaign and its activity, a
teacher's class, and a volunteer's application, profile, task, assignment and key.

Every HTML route of the URL resolver and every operation of the OpenAPI document that takes a
parameter is called with values naming those records and with values naming nothing
(`core.testing.route_probes`). A probe counts when one of B's own people (a coordinator, B's
vendor, teacher, volunteer or partner key) gets a different answer for the record than for a
missing one (`live_probes`): the route really reaches that record.

The rule, for each role of organisation A (analyst, officer, observer, evaluator, editor,
teacher, vendor, a trained volunteer and a team lead of province 01 with their keys, a partner
key, and nobody signed in) and each live probe: the answer for B's record is the answer for a
missing one. Same status; the same Location for a redirect; the same body, once CSRF tokens
and the address itself are taken out. So a role that may use the route gets the same 404 for
B's record as for none, and a role that may not gets the same redirect or 403 for every record.

Left out: coordinators and analysts of the standing agency (they see every organisation's
records by design); the Django admin (superusers only: everyone else is sent to its login for
every record alike); links carrying a one-time token (capabilities, not records).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from copnet.accounts.choices import Role
from copnet.accounts.services import do_create_api_key
from copnet.accounts.tests.factories import make_user
from copnet.banks.models import DetectionHit
from copnet.campaigns.models import Activity
from copnet.campaigns.tests.factories import make_campaign
from copnet.core.testing import Caller, leaks, live_probes, route_probes, spread_primary_keys
from copnet.dataprotection.models import Breach, SubjectRequest
from copnet.education.models import Course
from copnet.education.services import do_create_class
from copnet.evaluations.tests.factories import (
    criteria,
    make_product,
    make_vendor_user,
    submit,
)
from copnet.feed.models import Appeal, FeedEntry
from copnet.reports.models import Report
from copnet.reports.tests.factories import make_image
from copnet.takedowns import services as takedowns
from copnet.takedowns.tests.factories import make_case, make_platform
from copnet.volunteers.services import membership, work
from copnet.volunteers.tests.factories import make_application, make_task, make_volunteer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("reference_data", "evidence_dir"),
]

# Parameters that name no record: the same value goes into both addresses.
SKIP_ROUTES = {
    "accounts:logout",
    "volunteers:leave",
    # One-time links: the token is the capability, there is no organisation's record to name.
    "volunteers:apply_reply",
    "volunteers:guardian",
    "volunteers:welcome",
    "ecosystem:vendor_register_confirm",
}
# Reached only through the OpenAPI document ("api") or by superusers ("admin").
SKIP_NAMESPACES = ("admin", "api")
# Public by design: the product catalogue, learning content and the public feed.
PUBLIC_API = ("/api/v1/ecosystem/", "/api/v1/learn/", "/api/v1/feed/")


@pytest.fixture
def world(org_a, org_b, coordinator, settings):
    settings.RATE_LIMITS = {
        scope: (10**9, window) for scope, (_n, window) in settings.RATE_LIMITS.items()
    }
    missing = spread_primary_keys()  # from here on an id names a row of one table only

    # --- organisation B and province 79: one record of each kind ---
    officer_b = make_user(email="officer@b.example", organisation=org_b, role=Role.OFFICER)
    key_b, raw_key_b = do_create_api_key(organisation=org_b, name="B partner", actor=coordinator)
    case = make_case(lead=org_b, images=[make_image(4)], province="79")
    report = case.reports.get()
    Report.objects.filter(pk=report.pk).update(partner=org_b)
    removal = takedowns.do_create_request(
        case=case,
        platform=make_platform(),
        urls=["https://www.facebook.com/post/1"],
        accounts=[],
        legal_basis="authority_request",
        urgency="normal",
        actor=officer_b,
    )
    entry = FeedEntry.objects.create(
        kind="host",
        value="b-secret.example",
        category=case.category,
        severity=case.category.severity,
        source="case",
        case=case,
    )
    appeal = Appeal.objects.create(
        address="https://b-secret.example/",
        contact="owner@b-secret.example",
        explanation="Xin xem xét lại",
        case=case,
    )
    hit = DetectionHit.objects.create(
        case=case, report=report, kind="hash", label="B's match", key="b-match"
    )
    vendor_b = make_vendor_user(name="Công ty B", email="owner@vendor-b.example")
    product = make_product(vendor_b, name="Ứng dụng B", slug="ung-dung-b")
    evaluation = submit(vendor_b, product)
    document = evaluation.documents.get()
    campaign = make_campaign(organisation=org_b, code="chien-dich-b", public=False)
    activity = Activity.objects.create(
        campaign=campaign, title="Buổi học B", kind="workshop", held_on=dt.date(2026, 6, 2)
    )
    teacher_b = make_user(email="teacher@b.example", organisation=org_b, role=Role.TEACHER)
    classroom = do_create_class(
        teacher=teacher_b, name="Lớp B", courses=Course.objects.filter(is_published=True)[:1]
    )
    application = make_application(email="apply@b.example", province="79")
    volunteer_b = make_volunteer(coordinator, trained=True, email="vb@example.vn", province="79")
    task = make_task(coordinator, province="79", slots=3)
    assignment = work.do_accept_task(task=task, volunteer=volunteer_b, actor=volunteer_b.user)
    vkey_b, raw_vkey_b = membership.do_create_key(
        volunteer=volunteer_b, name="B", actor=volunteer_b.user
    )
    # A referral for support from B to another Network member, with a webhook to B's hotline
    # link (B's system) in the delivery log.
    from copnet.support.models import HotlineEndpoint
    from copnet.support.tests.factories import make_hotline, make_referral

    HotlineEndpoint.objects.create(organisation=org_b, url="https://b.example/hooks", secret="s")
    referral = make_referral(
        case=case, actor=officer_b, to=make_hotline(code="HOTLINEB", with_user=False)
    )
    subject_request = SubjectRequest.objects.create(
        report=report, kind="access", due_at=report.created_at
    )
    breach = Breach.objects.create(
        organisation=org_b,
        summary="B's breach",
        data_categories="reports",
        discovered_at=report.created_at,
        notify_due=report.created_at,
    )
    ints = {
        "data-subject request": subject_request.pk,
        "breach": breach.pk,
        "person": officer_b.pk,
        "api key": key_b.pk,
        "evidence": report.evidence.get().pk,
        "removal item": removal.items.first().pk,
        "feed entry": entry.pk,
        "appeal": appeal.pk,
        "detection hit": hit.pk,
        "product": product.pk,
        "evaluation": evaluation.pk,
        "document": document.pk,
        "campaign": campaign.pk,
        "activity": activity.pk,
        "class": classroom.pk,
        "application": application.pk,
        "volunteer": volunteer_b.pk,
        "task": task.pk,
        "assignment": assignment.pk,
        "volunteer key": vkey_b.pk,
    }
    assert len(set(ints.values())) == len(ints)
    assert all(pk > missing for pk in ints.values())
    numbers = [str(pk) for pk in ints.values()]
    records = {
        **dict.fromkeys(["pk", "activity_pk", "task_id", "assignment_id", "hit_id"], numbers),
        "reference": [case.reference, removal.reference, referral.reference],
        "tracking_code": [report.tracking_code],
        "code": ["ORGB", campaign.code],
        "slug": [product.slug],
    }
    absent = {
        **dict.fromkeys(["pk", "activity_pk", "task_id", "assignment_id", "hit_id"], str(missing)),
        "reference": "HS-0000-000000",
        "tracking_code": "ZZZZZZZZ",
        "code": "khong-co",
        "slug": "khong-co",
    }
    fixed = {
        "fmt": ["pdf", "png", "svg", "csv", "xlsx", "json"],
        "quarter": ["2026-Q1"],
        "phase": ["before", "after"],
        "name": ["partner"],
        "set_pk": [str(criteria().pk)],
        "quiz_pk": [str(missing)],
        "membership_pk": [str(missing)],
    }
    owners = [
        (Caller("coordinator", coordinator), {str(v) for v in records.values() for v in v}),
        (
            Caller("B's vendor", vendor_b),
            {str(product.pk), str(evaluation.pk), str(document.pk)},
        ),
        (Caller("B's teacher", teacher_b), {str(classroom.pk)}),
        (
            Caller("B's volunteer", volunteer_b.user, raw_vkey_b),
            {str(task.pk), str(assignment.pk), str(vkey_b.pk)},
        ),
        (Caller("B's partner key", bearer=raw_key_b), {report.tracking_code}),
    ]

    # --- organisation A and province 01: every role ---
    def person(role: str) -> Caller:
        return Caller(role, make_user(email=f"{role}@a.example", organisation=org_a, role=role))

    volunteer_a = make_volunteer(coordinator, trained=True, email="va@example.vn", province="01")
    lead_a = make_volunteer(coordinator, level="team_lead", email="la@example.vn", province="01")
    _k, raw_volunteer_a = membership.do_create_key(
        volunteer=volunteer_a, name="A", actor=volunteer_a.user
    )
    _k, raw_lead_a = membership.do_create_key(volunteer=lead_a, name="A", actor=lead_a.user)
    _k, raw_key_a = do_create_api_key(organisation=org_a, name="A partner", actor=coordinator)
    principals = [
        *(
            person(role)
            for role in (Role.ANALYST, Role.OFFICER, Role.OBSERVER, Role.EVALUATOR)
            + (Role.EDITOR, Role.TEACHER)
        ),
        Caller("vendor", make_vendor_user(name="Công ty A", email="owner@vendor-a.example")),
        Caller("trained volunteer (01)", volunteer_a.user, raw_volunteer_a),
        Caller("team lead (01)", lead_a.user, raw_lead_a),
        Caller("partner key", bearer=raw_key_a),
        Caller("nobody signed in"),
    ]
    return {
        "records": records,
        "absent": absent,
        "fixed": fixed,
        "owners": owners,
        "principals": principals,
    }


def test_every_role_of_another_organisation_gets_the_missing_answer_on_every_route(world):
    probes, unknown = route_probes(
        world["records"],
        world["absent"],
        world["fixed"],
        skip_routes=SKIP_ROUTES,
        skip_namespaces=SKIP_NAMESPACES,
        api_prefixes_public=PUBLIC_API,
    )
    assert not unknown, f"tell this test what these route parameters name: {unknown}"
    client = Client(raise_request_exception=False)
    live = live_probes(client, probes, world["owners"])
    routes = {p.route for p in live}
    # The walk really reaches B's records, through pages and the API alike.
    assert len(routes) > 40, sorted(routes)
    for expected in (
        "cases:detail",
        "cases:evidence_preview",
        "takedowns:detail",
        "feed:decide_appeal",
        "volunteers:task",
        "volunteers:report_back",
        "evaluations:detail",
        "learn:class_detail",
        "/api/v1/reports/{tracking_code}",
        "/api/v1/volunteers/tasks/{task_id}/accept",
    ):
        assert expected in routes, expected
    found = leaks(client, world["principals"], live)
    assert not found, f"{len(found)} answers tell B's records from missing ones:\n" + "\n".join(
        found
    )
