from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from copnet.accounts.decorators import require_perm
from copnet.accounts.models import User
from copnet.accounts.permissions import Perm, access, has_perm, sees_case_evidence
from copnet.accounts.principal import AuthedHttpRequest
from copnet.audit.services import record_view
from copnet.core.errors import DomainError, after_post, show_message
from copnet.core.http import HtmxHttpRequest
from copnet.core.workflow import allowed_next
from copnet.reports.evidence import evidence_store
from copnet.reports.models import Evidence, Report, ReportUrl

from . import saved_filters, selectors, services
from .assignment import may_assign
from .errors import CaseErrorCode, WorkflowError
from .forms import (
    ActionForm,
    CorrectionForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    ReassignForm,
    ReportMessageForm,
    SavedFilterForm,
    SplitForm,
    TransitionForm,
)
from .models import Case, CategoryDecision, ReportMessage
from .proposals import pending_for
from .workflow import CASE, confirms_harm

REVEAL_SESSION = "revealed_evidence"
REVEAL_SECONDS = 300


@require_perm(Perm.VIEW_CASES)
def queue(request: HtmxHttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    cases = selectors.triage_queue(request.user, form.filters() if request.GET else {})
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "cases/_queue_table.html" if request.htmx else "cases/queue.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "now": timezone.now(),
            "query": query.urlencode(),
            "saved_filters": selectors.saved_filters(request.user),
            "save_form": SavedFilterForm(initial={"query": query.urlencode()}),
        },
    )


@require_POST
@require_perm(Perm.VIEW_CASES)
def save_filter(request: AuthedHttpRequest) -> HttpResponse:
    form = SavedFilterForm(request.POST)
    query = ""
    if form.is_valid():
        query = form.cleaned_data["query"]
        try:
            saved_filters.do_save_filter(
                owner=request.user, name=form.cleaned_data["name"], query=query
            )
        except DomainError as exc:
            show_message(request, exc)
        else:
            messages.success(request, _("The filter was saved."))
    else:
        show_message(request, WorkflowError(CaseErrorCode.FILTER_NAME_REQUIRED))
    return redirect(reverse("cases:queue") + (f"?{query}" if query else ""))


@require_POST
@require_perm(Perm.VIEW_CASES)
def delete_filter(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    if not saved_filters.do_delete_filter(owner=request.user, pk=pk):
        raise Http404
    messages.success(request, _("The filter was deleted."))
    return redirect("cases:queue")


def _case_reports(request: AuthedHttpRequest, case: Case) -> list[Report]:
    """The case's reports the user may see (need to know: a supporting body may see none, or
    no evidence), each with its addresses, evidence and messages read through the same path."""
    user = request.user
    return list(
        Report.objects.visible_to(user)
        .filter(case=case)
        .select_related("category")
        .prefetch_related(
            Prefetch("urls", queryset=ReportUrl.objects.visible_to(user)),
            Prefetch("evidence", queryset=Evidence.objects.visible_to(user)),
            Prefetch("messages", queryset=ReportMessage.objects.visible_to(user)),
        )
        .order_by("created_at", "id")
    )


def _case_context(
    request: AuthedHttpRequest, case: Case, reports: list[Report]
) -> dict[str, object]:
    user = request.user
    sees_evidence = sees_case_evidence(user, case)
    return {
        "case": case,
        "reports": reports,
        "hidden_reports": max(case.report_count - len(reports), 0),
        "events": case.events.all(),
        "actions": case.actions.all(),
        "supporting": case.supporting_orgs.all(),
        "now": timezone.now(),
        "next_transitions": allowed_next(
            CASE, case.status, may=lambda perm: has_perm(user, Perm(perm))
        ),
        "can_work": has_perm(user, Perm.WORK_CASES) and case.is_open,
        "can_triage": has_perm(user, Perm.TRIAGE_CASES),
        "can_see_evidence": sees_evidence,
        "can_reveal": has_perm(user, Perm.REVEAL_EVIDENCE) and not case.keep_blurred,
        "can_see_contact": has_perm(user, Perm.VIEW_REPORTER_CONTACT),
        "transition_form": TransitionForm(),
        "action_form": ActionForm(),
        "note_form": NoteForm(),
        "message_form": ReportMessageForm(),
        "reassign_form": ReassignForm(),
        "revealed": request.session.get(REVEAL_SESSION, {}),
        "hits": case.hits.select_related("evidence") if sees_evidence else [],
        "can_confirm_hashes": has_perm(user, Perm.MANAGE_BANKS) and confirms_harm(case),
        **_triage_context(user, case),
    }


def _triage_context(user: User, case: Case) -> dict[str, object]:
    """What the triage and ownership forms of the case page need (cases.triage_views)."""
    can_correct = has_perm(user, Perm.TRIAGE_CASES) and case.is_open
    can_assign = case.is_open and case.lead_org_id is not None and may_assign(user, case)
    mine = case.assignee_id is not None and case.assignee_id == user.pk
    in_lead = case.lead_org_id is not None and user.organisation_id == case.lead_org_id
    visible = selectors.cases_visible_to(user)
    pending = [
        (p, p.other if p.case_id == case.pk else p.case)
        for p in pending_for(case)
        if visible.filter(pk=p.other_id if p.case_id == case.pk else p.case_id).exists()
    ]
    return {
        "can_correct": can_correct,
        "correction_form": CorrectionForm(
            initial={
                "category": case.category.code,
                "priority": case.priority,
                "lead": case.lead_org.code if case.lead_org else None,
                "supporting": [o.code for o in case.supporting_orgs.all()],
            }
        )
        if can_correct
        else None,
        "suggestion_open": can_correct
        and case.suggested_category_id is not None
        and case.suggested_category_id != case.category_id
        and not CategoryDecision.objects.filter(case=case).exists(),
        "can_assign": can_assign,
        "assignable": selectors.assignable_people(case) if can_assign else [],
        "can_take": case.is_open
        and case.assignee_id is None
        and in_lead
        and has_perm(user, Perm.WORK_CASES),
        "can_return": case.is_open and mine,
        "proposals": pending if can_correct else [],
        "split_form": SplitForm() if can_correct else None,
        "merge_form": MergeForm() if can_correct else None,
    }


@require_perm(Perm.VIEW_CASES)
def case_detail(request: AuthedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(request.user, reference)
    reports = _case_reports(request, case)
    # Which reports (and how much of them) this person was shown: need to know, audited.
    record_view(
        actor=request.user,
        target=case,
        changes={
            "reports": [report.tracking_code for report in reports],
            "evidence": sum(len(report.evidence.all()) for report in reports),
        },
    )
    return render(request, "cases/case_detail.html", _case_context(request, case, reports))


def _after_post(
    request: AuthedHttpRequest,
    case: Case,
    error: DomainError | None,
    ok_message: str,
    *,
    anchor: str = "",
) -> HttpResponse:
    url = reverse("cases:detail", args=[case.reference])
    if anchor.replace("-", "").isalnum():  # a tracking code, never raw input in a URL
        url += f"#report-{anchor}"
    return after_post(request, url, error, ok_message)


@require_POST
@require_perm(Perm.WORK_CASES)
def transition(request: AuthedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(request.user, reference)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return _after_post(
            request, case, WorkflowError(CaseErrorCode.INVALID, _("Check the form.")), ""
        )
    data = form.cleaned_data
    merge_into = None
    if data["merge_into"]:
        merge_into = (
            selectors.cases_visible_to(request.user)
            .filter(reference=data["merge_into"].strip().upper())
            .first()
        )
    try:
        services.do_transition(
            case=case,
            target=data["target"],
            actor=request.user,
            reason=data["reason"],
            outcome=data["outcome"],
            merge_into=merge_into,
        )
    except DomainError as exc:
        return _after_post(request, case, exc, "")
    return _after_post(request, case, None, _("The status was changed."))


@require_POST
@require_perm(Perm.WORK_CASES)
def record_action(request: AuthedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(request.user, reference)
    form = ActionForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.do_record_action(
                case=case,
                kind=form.cleaned_data["kind"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except WorkflowError as exc:
            error = exc
    else:
        error = WorkflowError(CaseErrorCode.INVALID, _("Choose an action from the list."))
    return _after_post(request, case, error, _("The action was recorded."))


@require_POST
@require_perm(Perm.WORK_CASES)
def add_note(request: AuthedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(request.user, reference)
    form = NoteForm(request.POST)
    error = None
    if form.is_valid():
        try:
            services.do_add_note(case=case, text=form.cleaned_data["text"], actor=request.user)
        except WorkflowError as exc:
            error = exc
    else:
        error = WorkflowError(CaseErrorCode.INVALID, _("The note is empty or too long."))
    return _after_post(request, case, error, _("The note was added."))


@require_POST
@require_perm(Perm.WORK_CASES)
def report_message(request: AuthedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(request.user, reference)
    form = ReportMessageForm(request.POST)
    if not form.is_valid():
        return _after_post(request, case, WorkflowError(CaseErrorCode.REPORT_NOT_IN_CASE), "")
    report = (
        Report.objects.visible_to(request.user)
        .filter(tracking_code=form.cleaned_data["report"].strip().upper())
        .first()
    )
    try:
        services.do_send_report_message(
            case=case, report=report, text=form.cleaned_data["text"], actor=request.user
        )
    except WorkflowError as exc:
        return _after_post(request, case, exc, "", anchor=form.cleaned_data["report"])
    return _after_post(
        request,
        case,
        None,
        _("Only the reporter of %(code)s will see this message.") % {"code": report.tracking_code}
        if report
        else "",
        anchor=report.tracking_code if report else "",
    )


@require_POST
@require_perm(Perm.TRIAGE_CASES)
def reassign(request: AuthedHttpRequest, reference: str) -> HttpResponse:
    case = selectors.access_case(request.user, reference)
    form = ReassignForm(request.POST)
    if not form.is_valid():
        return _after_post(
            request,
            case,
            WorkflowError(
                CaseErrorCode.INVALID, _("Choose the lead organisation and give a reason.")
            ),
            "",
        )
    try:
        services.do_reassign(
            case=case,
            lead=form.cleaned_data["lead"],
            supporting=form.cleaned_data["supporting"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except WorkflowError as exc:
        return _after_post(request, case, exc, "")
    return _after_post(request, case, None, _("The case was reassigned."))


def _access_evidence(request: AuthedHttpRequest, pk: int) -> Evidence:
    return access(request.user, Evidence.objects.select_related("report__case"), pk=pk)


def _read_file(path: str) -> bytes:
    try:
        return evidence_store().read(path)
    except FileNotFoundError as error:  # gone from the store (a purge under way, a lost file)
        raise Http404 from error


@require_perm(Perm.VIEW_EVIDENCE)
def evidence_preview(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evidence = _access_evidence(request, pk)
    if not evidence.preview_path:
        raise Http404
    data = _read_file(evidence.preview_path)
    services.do_record_evidence_view(evidence=evidence, actor=request.user, kind="preview")
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@require_perm(Perm.REVEAL_EVIDENCE)
def evidence_reveal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evidence = _access_evidence(request, pk)
    case = evidence.report.case
    if case.keep_blurred:
        messages.error(
            request, _("This picture matched known abuse material and stays blurred for everyone.")
        )
        return redirect("cases:detail", reference=case.reference)
    services.do_record_reveal(evidence=evidence, actor=request.user)
    revealed = request.session.get(REVEAL_SESSION, {})
    revealed[str(evidence.pk)] = timezone.now().timestamp() + REVEAL_SECONDS
    request.session[REVEAL_SESSION] = revealed
    return redirect(reverse("cases:detail", args=[case.reference]) + f"#evidence-{evidence.pk}")


@require_perm(Perm.REVEAL_EVIDENCE)
def evidence_original(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    evidence = _access_evidence(request, pk)
    until = request.session.get(REVEAL_SESSION, {}).get(str(evidence.pk), 0)
    if (
        evidence.report.case.keep_blurred
        or until < timezone.now().timestamp()
        or not evidence.blob_path
    ):
        raise Http404
    data = _read_file(evidence.blob_path)
    services.do_record_evidence_view(evidence=evidence, actor=request.user, kind="original")
    response = HttpResponse(data, content_type=evidence.mime)
    response["Cache-Control"] = "no-store"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Content-Disposition"] = "inline"
    return response
