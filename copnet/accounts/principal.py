"""The types of "who is asking": the one `Principal` that `accounts.permissions` accepts, and
typed requests for views that know more than Django's `HttpRequest` says.

Types only: nothing here runs. The aliases are strings at run time, so importing this module
imports no model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from copnet.accounts.models import ApiKey, User

# A signed-in person, a partner system's API key, or nobody (an anonymous visitor). A volunteer's
# personal key authenticates as the volunteer's User.
Principal: TypeAlias = "User | ApiKey | AnonymousUser"


class AuthedHttpRequest(HttpRequest):
    """A request behind `login_required` (or a staff decorator): `request.user` is a User."""

    user: User


class ApiRequest(HttpRequest):
    """A django-ninja request: `request.auth` is what the operation's authenticator returned."""

    auth: Principal
