from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("deliveries/", views.deliveries, name="deliveries"),
    path("from-case/<str:reference>/", views.create, name="create"),
    path("<str:reference>/", views.detail, name="detail"),
    path("<str:reference>/move/", views.move, name="move"),
]
