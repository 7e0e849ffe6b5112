from django.urls import path

from . import views

app_name = "takedowns"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("compliance/", views.compliance, name="compliance"),
    path("platforms/", views.platform_list, name="platforms"),
    path("platforms/new/", views.platform_edit, name="platform_new"),
    path("platforms/<int:pk>/", views.platform_edit, name="platform_edit"),
    path("items/<int:pk>/check/", views.check_item, name="check_item"),
    path("from-case/<str:reference>/", views.create, name="create"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/notice.pdf", views.notice_download, name="notice_pdf"),
    path("<str:reference>/approve/", views.approve, name="approve"),
    path("<str:reference>/send/", views.send, name="send"),
    path("<str:reference>/delivered/", views.delivered, name="delivered"),
    path("<str:reference>/answer/", views.answer, name="answer"),
    path("<str:reference>/close-followup/", views.close_followup, name="close_followup"),
]
