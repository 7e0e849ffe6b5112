from django.urls import path

from . import security_views, views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("second-step/", views.second_step, name="second_step"),
    path("security/", security_views.security, name="security"),
    path(
        "security/authenticator/",
        security_views.authenticator_setup,
        name="authenticator_setup",
    ),
    path("security/recovery-codes/", security_views.recovery_codes, name="recovery_codes"),
    path(
        "security/passkeys/<int:pk>/remove/",
        security_views.passkey_remove,
        name="passkey_remove",
    ),
    path("security/turn-off/", security_views.second_factor_off, name="second_factor_off"),
    path("security/password/", security_views.password_change, name="password_change"),
    path("language/", views.set_language, name="set_language"),
    path("people/", views.people_list, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path(
        "people/<int:pk>/reset-second-factor/",
        security_views.reset_second_factor,
        name="reset_second_factor",
    ),
    path("api-keys/", views.api_key_list, name="api_keys"),
    path("api-keys/new/", views.api_key_create, name="api_key_new"),
    path("api-keys/<int:pk>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
