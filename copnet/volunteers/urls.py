from django.urls import path

from .views import coordination, public, volunteer

app_name = "volunteers"

urlpatterns = [
    path("apply/", public.apply, name="apply"),
    path("conduct/", public.conduct, name="conduct"),
    path("apply/thanks/", public.apply_thanks, name="apply_thanks"),
    path("apply/reply/<str:token>/", public.apply_reply, name="apply_reply"),
    path("guardian/<str:token>/", public.guardian_consent, name="guardian"),
    path("welcome/<uidb64>/<token>/", public.WelcomeView.as_view(), name="welcome"),
    path("", volunteer.home, name="home"),
    path("training/", volunteer.training, name="training"),
    path("tasks/", volunteer.task_list, name="tasks"),
    path("tasks/<int:pk>/", volunteer.task_detail, name="task"),
    path("assignments/<int:pk>/", volunteer.report_back, name="report_back"),
    path("report/", volunteer.report, name="report"),
    path("reports/", volunteer.my_reports, name="my_reports"),
    path("history/", volunteer.history, name="history"),
    path("certificate.pdf", volunteer.certificate, name="certificate"),
    path("leaderboard/", volunteer.leaderboard, name="leaderboard"),
    path("settings/", volunteer.volunteer_settings, name="settings"),
    path("settings/keys/<int:pk>/revoke/", volunteer.revoke_key, name="revoke_key"),
    path("settings/leave/", volunteer.leave, name="leave"),
    path("manage/", coordination.manage, name="manage"),
    path("manage/applications/", coordination.application_list, name="applications"),
    path("manage/applications/<int:pk>/", coordination.application_detail, name="application"),
    path("manage/volunteers/", coordination.volunteer_list, name="volunteers"),
    path("manage/volunteers/<int:pk>/", coordination.volunteer_detail, name="volunteer"),
    path(
        "manage/volunteers/<int:pk>/certificate.pdf",
        coordination.volunteer_certificate,
        name="volunteer_certificate",
    ),
    path("manage/tasks/", coordination.manage_tasks, name="manage_tasks"),
    path("manage/tasks/new/", coordination.task_new, name="task_new"),
    path("manage/tasks/<int:pk>/", coordination.manage_task, name="manage_task"),
    path("manage/coverage/", coordination.coverage, name="coverage"),
]
