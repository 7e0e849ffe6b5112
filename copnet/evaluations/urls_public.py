"""Public catalogue and the vendor area, mounted at /ecosystem/."""

from django.urls import path

from .views import catalogue, vendor

app_name = "ecosystem"

urlpatterns = [
    path("", catalogue.catalogue, name="catalogue"),
    path("vendors/register/", vendor.register, name="vendor_register"),
    path("vendors/register/sent/", vendor.register_sent, name="vendor_register_sent"),
    path(
        "vendors/register/confirm/<str:token>/",
        vendor.register_confirm,
        name="vendor_register_confirm",
    ),
    path("vendor/", vendor.home, name="vendor_home"),
    path("vendor/products/new/", vendor.product_edit, name="vendor_product_new"),
    path("vendor/products/<int:pk>/", vendor.product_detail, name="vendor_product"),
    path("vendor/products/<int:pk>/edit/", vendor.product_edit, name="vendor_product_edit"),
    path("vendor/products/<int:pk>/submit/", vendor.submit, name="vendor_submit"),
    path(
        "vendor/products/<int:pk>/self-assessment/<int:set_pk>/",
        vendor.self_assessment,
        name="vendor_self_assessment",
    ),
    path("vendor/evaluations/<int:pk>/", vendor.evaluation_detail, name="vendor_evaluation"),
    path("vendor/documents/<int:pk>/", vendor.document, name="vendor_document"),
    path("<slug:slug>/", catalogue.product_page, name="product"),
    path("<slug:slug>/report.pdf", catalogue.product_report, name="product_report"),
    path("<slug:slug>/badge.svg", catalogue.product_badge, name="product_badge"),
]
