from django.urls import path

from . import views_staff as views

app_name = "education_staff"

urlpatterns = [
    path("", views.course_list, name="courses"),
    path("new/", views.course_edit, name="course_new"),
    path("<slug:code>/", views.course_detail, name="course"),
    path("<slug:code>/edit/", views.course_edit, name="course_edit"),
    path("<slug:code>/publish/", views.course_publish, name="course_publish"),
    path("<slug:code>/lessons/new/", views.lesson_edit, name="lesson_new"),
    path("<slug:code>/lessons/<int:pk>/", views.lesson_edit, name="lesson_edit"),
    path("<slug:code>/quizzes/new/", views.quiz_edit, name="quiz_new"),
    path("<slug:code>/quizzes/<int:pk>/", views.quiz_edit, name="quiz_edit"),
    path("quiz/<int:quiz_pk>/questions/new/", views.question_edit, name="question_new"),
    path("quiz/<int:quiz_pk>/questions/<int:pk>/", views.question_edit, name="question_edit"),
]
