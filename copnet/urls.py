from django.contrib import admin
from django.urls import include, path

from copnet.banks.views import confirm_case_hashes
from copnet.cases.reroute_views import reroute
from copnet.stats.views import PublishedQuartersFeed, transparency_data, transparency_page

from .api import api

handler400 = "copnet.core.views.error_400"
handler403 = "copnet.core.views.error_403"
handler404 = "copnet.core.views.error_404"
handler500 = "copnet.core.views.error_500"

urlpatterns = [
    path("", include("copnet.core.urls")),
    path("network/", include("copnet.network.urls")),
    path("accounts/", include("copnet.accounts.urls")),
    path("accounts/passkeys/", include("copnet.accounts.passkeys")),
    path("staff/audit/", include("copnet.audit.urls")),
    path("report/", include("copnet.reports.urls")),
    # A page of banks at the case's address (cases sits below banks and cannot name it).
    path(
        "staff/cases/<str:reference>/confirm-hashes/",
        confirm_case_hashes,
        name="confirm_case_hashes",
    ),
    path("staff/cases/", include("copnet.cases.urls")),
    path("staff/search/", include("copnet.search.urls")),
    path("staff/alerts/", include("copnet.alerts.urls")),
    path("staff/categories/", include("copnet.taxonomy.urls")),
    path("staff/routing/", include("copnet.routing.urls")),
    # A page of cases at routing's address (routing sits below cases and cannot name it).
    path("staff/routing/reroute/", reroute, name="reroute"),
    path("staff/evaluations/", include("copnet.evaluations.urls")),
    path("ecosystem/", include("copnet.evaluations.urls_public")),
    path("learn/", include("copnet.education.urls")),
    path("staff/learning/", include("copnet.education.urls_staff")),
    path("campaigns/", include("copnet.campaigns.urls")),
    path("staff/campaigns/", include("copnet.campaigns.urls_staff")),
    path("c/", include("copnet.campaigns.urls_links")),
    path("staff/detection/", include("copnet.banks.urls")),
    path("staff/takedowns/", include("copnet.takedowns.urls")),
    path("staff/accounts-reported/", include("copnet.violators.urls")),
    path("staff/exchanges/", include("copnet.exchanges.urls")),
    path("staff/support/", include("copnet.support.urls")),
    path("staff/feed/", include("copnet.feed.urls")),
    path("feed/", include("copnet.feed.public_urls")),
    path("volunteers/", include("copnet.volunteers.urls")),
    path("staff/stats/", include("copnet.stats.urls")),
    path("privacy/", include("copnet.dataprotection.urls")),
    path("staff/privacy/", include("copnet.dataprotection.urls_staff")),
    path("transparency/", transparency_page, name="transparency"),
    path("transparency/feed.atom", PublishedQuartersFeed(), name="transparency_feed"),
    path("transparency/<str:quarter>.<str:fmt>", transparency_data, name="transparency_data"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
