from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("", views.members_page, name="members"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/organisations/new/", views.organisation_edit, name="organisation_new"),
    path("manage/organisations/<slug:code>/", views.organisation_edit, name="organisation_edit"),
    path("manage/memberships/new/", views.membership_edit, name="membership_new"),
    path("manage/memberships/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("manage/memberships/<int:membership_pk>/duties/new/", views.duty_edit, name="duty_new"),
    path(
        "manage/memberships/<int:membership_pk>/duties/<int:pk>/", views.duty_edit, name="duty_edit"
    ),
]
