from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("p1/", views.p1_alert, name="p1"),
    path("p1/acknowledge/", views.acknowledge, name="acknowledge"),
]
