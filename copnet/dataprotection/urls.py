from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("requests/", views.request_form, name="request"),
    path("requests/mine/", views.my_requests, name="mine"),
    path("requests/<int:pk>/export.zip", views.my_export, name="my_export"),
]
