from django.urls import path

from . import views

app_name = "violators"
urlpatterns = [
    path("", views.account_list, name="list"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/suspension/", views.record_suspension, name="suspension"),
]
