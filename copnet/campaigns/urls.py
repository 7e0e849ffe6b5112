from django.urls import path

from . import views, views_staff

app_name = "campaigns"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:code>/", views.landing, name="landing"),
    path("<slug:code>/survey/<slug:phase>/", views.survey, name="survey"),
    path("material/<int:pk>/", views_staff.material_file, name="material"),
]
