from django.urls import path

from . import views

app_name = "exchanges"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.edit, name="create"),
    path("hits/<int:hit_id>/verdict/", views.verdict, name="verdict"),
    path("referrals/import/", views.referral_import, name="referral_import"),
    path("reports-out/", views.reports_out, name="reports_out"),
    path("reports-out/<int:pk>/", views.report_out, name="report_out"),
    path("hotlines/", views.hotline_endpoints, name="hotline_endpoints"),
    path("hotlines/<slug:code>/", views.hotline_endpoint_edit, name="hotline_endpoint_edit"),
    path("<slug:name>/", views.detail, name="detail"),
    path("<slug:name>/edit/", views.edit, name="edit"),
    path("<slug:name>/fetch/", views.fetch_now, name="fetch"),
]
