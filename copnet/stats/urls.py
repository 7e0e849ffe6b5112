from django.urls import path

from . import views

app_name = "stats"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("cases/", views.drilldown, name="cases"),
    path("refresh/", views.refresh_now, name="refresh"),
    path("reports/", views.report_list, name="reports"),
    path("reports/<int:pk>.<str:fmt>", views.report_download, name="report_download"),
]
