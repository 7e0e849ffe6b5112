from django.urls import path

from . import views_staff as views

app_name = "campaigns_staff"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_edit, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/publish/", views.campaign_publish, name="publish"),
    path("<int:pk>/materials/new/", views.material_add, name="material_add"),
    path("<int:pk>/activities/new/", views.activity_edit, name="activity_add"),
    path("<int:pk>/activities/<int:activity_pk>/", views.activity_edit, name="activity_edit"),
    path("<int:pk>/survey/new/", views.question_add, name="question_add"),
    path("<int:pk>/links/new/", views.link_add, name="link_add"),
    path("<int:pk>/links/<str:code>.<str:fmt>", views.link_qr, name="link_qr"),
    path("<int:pk>/report.pdf", views.campaign_report, name="report"),
]
