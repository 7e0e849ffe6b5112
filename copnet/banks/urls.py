from django.urls import path

from . import views

app_name = "banks"

urlpatterns = [
    path("", views.index, name="index"),
    path("check/", views.check, name="check"),
    path("hits/", views.hits, name="hits"),
    path("banks/new/", views.bank_create, name="bank_create"),
    path("banks/<slug:name>/", views.bank_detail, name="bank"),
    path("banks/<slug:name>/import/", views.bank_import, name="bank_import"),
    path("banks/<slug:name>/export/", views.bank_export, name="bank_export"),
    path("banks/<slug:name>/active/", views.bank_active, name="bank_active"),
    path("banks/<slug:name>/threshold/", views.bank_threshold, name="bank_threshold"),
    path("entries/<int:pk>/release/", views.entry_release, name="entry_release"),
    path("banks/<slug:name>/entries/<int:pk>/", views.bank_entry, name="bank_entry"),
    path(
        "banks/<slug:name>/entries/<int:pk>/active/",
        views.bank_entry_active,
        name="bank_entry_active",
    ),
    path("lists/new/", views.url_list_create, name="url_list_create"),
    path("lists/<slug:name>/", views.url_list_detail, name="url_list"),
    path("lists/<slug:name>/import/", views.url_list_import, name="url_list_import"),
    path("lists/<slug:name>/export/", views.url_list_export, name="url_list_export"),
    path("lists/<slug:name>/active/", views.url_list_active, name="url_list_active"),
    path(
        "lists/<slug:name>/entries/<int:pk>/active/",
        views.url_entry_active,
        name="url_entry_active",
    ),
]
