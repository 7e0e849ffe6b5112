from django.urls import path

from . import triage_views, views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("workload/", triage_views.workload, name="workload"),
    path("filters/", views.save_filter, name="save_filter"),
    path("filters/<int:pk>/delete/", views.delete_filter, name="delete_filter"),
    path("evidence/<int:pk>/preview/", views.evidence_preview, name="evidence_preview"),
    path("evidence/<int:pk>/reveal/", views.evidence_reveal, name="evidence_reveal"),
    path("evidence/<int:pk>/original/", views.evidence_original, name="evidence_original"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/transition/", views.transition, name="transition"),
    path("<str:reference>/actions/", views.record_action, name="action"),
    path("<str:reference>/notes/", views.add_note, name="note"),
    path("<str:reference>/message/", views.report_message, name="message"),
    path("<str:reference>/reassign/", views.reassign, name="reassign"),
    path("<str:reference>/correct/", triage_views.correct, name="correct"),
    path("<str:reference>/suggestion/", triage_views.suggestion, name="suggestion"),
    path("<str:reference>/assign/", triage_views.assign, name="assign"),
    path("<str:reference>/split/", triage_views.split, name="split"),
    path("<str:reference>/merge/", triage_views.merge, name="merge"),
    path(
        "<str:reference>/proposals/<int:pk>/",
        triage_views.decide_proposal,
        name="decide_proposal",
    ),
]
