from django.urls import path

from . import views

app_name = "feed_public"

urlpatterns = [path("appeal/", views.appeal, name="appeal")]
