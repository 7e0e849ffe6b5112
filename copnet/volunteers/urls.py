from django.urls import path

from . import views

app_name = "volunteers"

urlpatterns = [
    path("apply/", views.apply, name="apply"),
    path("apply/thanks/", views.apply_thanks, name="apply_thanks"),
    path("apply/reply/<str:token>/", views.apply_reply, name="apply_reply"),
    path("guardian/<str:token>/", views.guardian_consent, name="guardian"),
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
    path("", views.home, name="home"),
    path("training/", views.training, name="training"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("assignments/<int:pk>/", views.report_back, name="report_back"),
    path("report/", views.report, name="report"),
    path("reports/", views.my_reports, name="my_reports"),
    path("history/", views.history, name="history"),
    path("certificate.pdf", views.certificate, name="certificate"),
    path("leaderboard/", views.leaderboard, name="leaderboard"),
    path("settings/", views.volunteer_settings, name="settings"),
    path("settings/keys/<int:pk>/revoke/", views.revoke_key, name="revoke_key"),
    path("settings/leave/", views.leave, name="leave"),
    path("manage/", views.manage, name="manage"),
    path("manage/applications/", views.application_list, name="applications"),
    path("manage/applications/<int:pk>/", views.application_detail, name="application"),
    path("manage/volunteers/", views.volunteer_list, name="volunteers"),
    path("manage/volunteers/<int:pk>/", views.volunteer_detail, name="volunteer"),
    path(
        "manage/volunteers/<int:pk>/certificate.pdf",
        views.volunteer_certificate,
        name="volunteer_certificate",
    ),
    path("manage/tasks/", views.manage_tasks, name="manage_tasks"),
    path("manage/tasks/new/", views.task_new, name="task_new"),
    path("manage/tasks/<int:pk>/", views.manage_task, name="manage_task"),
    path("manage/coverage/", views.coverage, name="coverage"),
]
