from django.urls import path

from . import views_staff as views

app_name = "privacy_staff"

urlpatterns = [
    path("", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/export.zip", views.request_export, name="request_export"),
    path("breaches/", views.breach_list, name="breaches"),
    path("breaches/<int:pk>/", views.breach_detail, name="breach"),
    path("processing/", views.processing_register, name="register"),
    path("processing/download/", views.processing_register_download, name="register_download"),
]
