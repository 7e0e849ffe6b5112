"""The scoped manager of every sensitive model: `Model.objects.visible_to(principal)` and
`Model.objects.access(principal, pk=…)`.

Both only delegate to `accounts.permissions` (`visible_to`, `access`), which stays the one place
that decides who sees which rows (`ORG_SCOPES`, `VOLUNTEER_SCOPES`). The manager makes that path
the obvious one in views and the API: `copnet/core/tests/test_one_access_path.py` fails when a
view, API, form or template tag reads a registered model through `.objects` without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import models

from . import permissions

if TYPE_CHECKING:
    from .principal import Principal

M = TypeVar("M", bound=models.Model)


class ScopedQuerySet(models.QuerySet[M]):
    """A queryset that can be narrowed to what a principal may see (NetBox's `restrict()`)."""

    def visible_to(self, principal: Principal | None) -> ScopedQuerySet[M]:
        """The rows of this queryset the principal may see (none when they may see none)."""
        return cast(ScopedQuerySet[M], permissions.visible_to(principal, self))

    def access(self, principal: Principal | None, **lookup: Any) -> M:
        """One row the principal may see, or Http404: missing and forbidden answer alike."""
        return permissions.access(principal, self, **lookup)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    """`objects` of a model registered in ORG_SCOPES or VOLUNTEER_SCOPES."""


def scoped_labels() -> frozenset[str]:
    """Labels (`app.model`) of every model whose rows are scoped per principal."""
    return frozenset(permissions.ORG_SCOPES) | frozenset(permissions.VOLUNTEER_SCOPES)
