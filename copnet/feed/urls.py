from django.urls import path

from . import views

app_name = "feed"

urlpatterns = [
    path("", views.manage, name="manage"),
    path("import/", views.import_list, name="import"),
    path("add-case/", views.add_case, name="add_case"),
    path("public/", views.set_public, name="set_public"),
    path("publish/", views.publish, name="publish"),
    path("entries/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("appeals/<int:pk>/decide/", views.decide_appeal, name="decide_appeal"),
]
