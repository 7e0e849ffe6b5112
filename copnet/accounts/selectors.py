from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from .models import ApiKey, User
from .permissions import access, visible_to

if TYPE_CHECKING:
    from copnet.accounts.principal import Principal


def people_visible_to(principal: Principal | None) -> QuerySet[User]:
    return visible_to(principal, User.objects.select_related("organisation"))


def access_person(principal: Principal | None, pk: int) -> User:
    return access(principal, User.objects.select_related("organisation"), pk=pk)


def api_keys_visible_to(principal: Principal | None) -> QuerySet[ApiKey]:
    return visible_to(principal, ApiKey.objects.select_related("organisation", "created_by"))


def access_api_key(principal: Principal | None, pk: int) -> ApiKey:
    return access(principal, ApiKey.objects.select_related("organisation"), pk=pk)
