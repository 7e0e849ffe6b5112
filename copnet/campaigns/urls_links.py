from django.urls import path

from . import views

app_name = "campaigns_links"

urlpatterns = [path("<str:code>", views.follow_link, name="follow")]
