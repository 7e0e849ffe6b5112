from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from copnet.accounts.models import ApiKey
from copnet.accounts.principal import ApiRequest
from copnet.accounts.services import authenticate_api_key


class ApiKeyAuth(HttpBearer):
    """`Authorization: Bearer <key>`; request.auth becomes the ApiKey (its organisation acts)."""

    openapi_description = "A partner API key issued by the Network coordinator."

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return authenticate_api_key(token.strip())


api_key_auth = ApiKeyAuth()


def principal(request: ApiRequest) -> Any:
    """Who the key authenticated (`request.auth`), untyped for the routes that read an ApiKey's
    own fields (organisation, prefix)."""
    return request.auth
