"""Staff routes, mounted at /staff/evaluations/."""

from django.urls import path

from .views import staff

app_name = "evaluations"

urlpatterns = [
    path("", staff.evaluation_list, name="list"),
    path("documents/<int:pk>/", staff.document, name="document"),
    path("evidence/<int:pk>/", staff.evidence, name="evidence"),
    path("<int:pk>/", staff.evaluation_detail, name="detail"),
    path("<int:pk>/report.pdf", staff.report_pdf, name="report_pdf"),
    path("<int:pk>/accept/", staff.accept, name="accept"),
    path("<int:pk>/decline/", staff.decline, name="decline"),
    path("<int:pk>/assign/", staff.assign, name="assign"),
    path("<int:pk>/score/", staff.score, name="score"),
    path("<int:pk>/reconcile/", staff.reconcile, name="reconcile"),
    path("<int:pk>/decide/", staff.decide, name="decide"),
    path("<int:pk>/publish/", staff.publish, name="publish"),
    path("<int:pk>/return/", staff.return_to_vendor, name="return"),
    path("<int:pk>/withdraw/", staff.withdraw, name="withdraw"),
]
