from django.urls import path

from . import views, views_self_hash

app_name = "reports"

urlpatterns = [
    path("", views.public_report, name="new"),
    path("thanks/", views.thanks, name="thanks"),
    path("status/", views.status, name="status"),
    path("status/report/", views.status_detail, name="status_detail"),
    path("status/forget/", views.forget, name="forget"),
    path("hotline/", views.hotline_report, name="hotline"),
    path("volunteer/", views.volunteer_report, name="volunteer"),
    path("self-hash/", views_self_hash.self_hash_page, name="self_hash"),
    path("self-hash/status/", views_self_hash.self_hash_status, name="self_hash_status"),
]
