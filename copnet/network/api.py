from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router

from copnet.accounts.permissions import within_scope
from copnet.accounts.principal import ApiRequest
from copnet.core.api_auth import api_key_auth, principal
from copnet.core.errors import ApiError, ApiErrorCode
from copnet.core.schemas import PathText

from . import selectors
from .models import Organisation
from .schemas import ContactOut, OrganisationOut, WhoAmIOut

router = Router(tags=["network"])


@router.get(
    "/organisations",
    response=list[OrganisationOut],
    auth=None,
    summary="The Network's organisations (public directory)",
)
def list_organisations(request: HttpRequest) -> list[Organisation]:
    return list(selectors.network_organisations().select_related("parent"))


@router.get(
    "/organisations/{code}/contacts",
    response=list[ContactOut],
    auth=api_key_auth,
    summary="Contact points of the key's own organisation",
)
def list_contacts(request: ApiRequest, code: PathText) -> list[object]:
    organisation = selectors.organisation_by_code(code)
    if organisation is None or not within_scope(principal(request), organisation.pk):
        raise ApiError(404, ApiErrorCode.NOT_FOUND, _("Not found."))
    return list(selectors.contacts_visible_to(principal(request), organisation))


@router.get(
    "/whoami",
    response=WhoAmIOut,
    auth=api_key_auth,
    summary="The API key in use and the organisation it acts for",
)
def whoami(request: ApiRequest) -> dict[str, object]:
    key = principal(request)
    return {"key_prefix": key.prefix, "key_name": key.name, "organisation": key.organisation}
