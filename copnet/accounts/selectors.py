from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import ApiKey, User
from .permissions import access, visible_to


def people_visible_to(principal: Any) -> QuerySet[User]:
    return visible_to(principal, User.objects.select_related("organisation"))


def access_person(principal: Any, pk: int) -> User:
    return access(principal, User.objects.select_related("organisation"), pk=pk)


def api_keys_visible_to(principal: Any) -> QuerySet[ApiKey]:
    return visible_to(principal, ApiKey.objects.select_related("organisation", "created_by"))


def access_api_key(principal: Any, pk: int) -> ApiKey:
    return access(principal, ApiKey.objects.select_related("organisation"), pk=pk)
