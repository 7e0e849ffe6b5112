from django.urls import path

from . import views

app_name = "taxonomy"

urlpatterns = [
    path("", views.category_list, name="list"),
    path("new/", views.category_edit, name="new"),
    path("<slug:code>/", views.category_edit, name="edit"),
]
