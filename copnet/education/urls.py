from django.urls import path

from . import views

app_name = "learn"

urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.join_class, name="join"),
    path("leave/", views.leave_class, name="leave"),
    path("course/<slug:code>/", views.course_detail, name="course"),
    path("course/<slug:code>/lesson/<int:pk>/", views.lesson_detail, name="lesson"),
    path("course/<slug:code>/quiz/<int:pk>/", views.quiz_take, name="quiz"),
    path("picture/<int:pk>/", views.lesson_image, name="lesson_image"),
    path("teach/", views.class_list, name="classes"),
    path("teach/<int:pk>/", views.class_detail, name="class_detail"),
    path("teach/<int:pk>/toggle/", views.class_toggle, name="class_toggle"),
    path(
        "teach/<int:pk>/certificates/<slug:code>.pdf",
        views.class_certificates,
        name="class_certificates",
    ),
]
