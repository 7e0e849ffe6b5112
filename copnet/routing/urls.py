from django.urls import path

from . import views

app_name = "routing"

urlpatterns = [
    path("", views.rule_list, name="list"),
    path("new/", views.rule_edit, name="new"),
    path("<int:pk>/", views.rule_edit, name="edit"),
]
