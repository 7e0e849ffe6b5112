"""The JSON API at /api/v1: one NinjaAPI that mounts each app's router."""

from __future__ import annotations

from copnet.banks.api import router as banks_router
from copnet.core.api import router as core_router
from copnet.core.api_docs import OfflineSwagger
from copnet.core.api_errors import ContractAPI
from copnet.core.api_throttle import ApiThrottle
from copnet.education.api import router as education_router
from copnet.evaluations.api import router as evaluations_router
from copnet.feed.api import router as feed_router
from copnet.network.api import router as network_router
from copnet.reports.api import router as reports_router
from copnet.stats.api import router as stats_router
from copnet.support.api import router as support_router
from copnet.takedowns.api import router as takedowns_router
from copnet.volunteers.api import router as volunteers_router

DESCRIPTION = """API of the Child Online Protection Network (VN-COP).

**Errors.** Every error answer is JSON `{"code": "...", "message": "...", "field": ...}`:
`code` is stable and meant for programs, `message` is for people in the request's language
(`Accept-Language: vi` or `en`), `field` names the input at fault or is `null`. Validation
errors (422) also list every field at fault in `errors`. Generic codes: `bad_request` (400, a
body that is not JSON), `unauthorized` (401), `forbidden` (403), `not_found` (404),
`method_not_allowed` (405), `length_required` (411), `payload_too_large` (413, bodies above
12 MB are refused before they are read), `invalid` (422), `rate_limited` (429, with
`Retry-After`), `server_error` (500). Operations add their own codes, listed with them.
"""

api = ContractAPI(
    title="COPNet API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    docs_url="/docs",
    docs=OfflineSwagger(),
    throttle=[ApiThrottle()],
)

api.add_router("", core_router)
api.add_router("/network", network_router)
api.add_router("", reports_router)
api.add_router("", banks_router)
api.add_router("", evaluations_router)
api.add_router("/learn", education_router)
api.add_router("", takedowns_router)
api.add_router("", feed_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/stats", stats_router)
api.add_router("", support_router)
