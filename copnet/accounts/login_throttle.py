"""Sign-in throttling: a django-axes handler on the shared rate-limit counters.

Axes' own handlers count per `AXES_LOCKOUT_PARAMETERS` with one limit for all of them, keep the
client's address (database handler) or an unkeyed hash of it (cache handler), count with
read-then-write on the file cache, and on a successful sign-in forget the failures of the
address too, so one's own account resets a password-spraying run. This handler, for
`AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]`:
- an account is locked after `AXES_FAILURE_LIMIT` failures from any addresses (e-mail compared
  case-insensitively), an address (IPv6: its /64) after `LOGIN_ADDRESS_FAILURE_LIMIT` failures
  on any accounts, each for `AXES_COOLOFF_TIME` from the first failure;
- counters are atomic and keyed by HMAC (`core.ratelimit`), nothing goes to the database;
- a successful sign-in clears the account's counter only;
- the lock-out page is 429 with `Retry-After`, and the moment a lock starts is audited.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.base import AbstractAxesHandler, AxesBaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from copnet.audit.choices import AuditAction
from copnet.audit.services import record
from copnet.core.client_address import client_bucket
from copnet.core.ratelimit import Hit, forget, hit, peek

ACCOUNT = "login-account"
ADDRESS = "login-address"
_RETRY_AFTER = "copnet_login_retry_after"


def _window(request: HttpRequest | None) -> int:
    cool_off = get_cool_off(request)
    return max(1, int(cool_off.total_seconds())) if cool_off else 15 * 60


def _rates(request: HttpRequest | None) -> dict[str, tuple[int, int]]:
    seconds = _window(request)
    return {
        ACCOUNT: (int(settings.AXES_FAILURE_LIMIT), seconds),
        ADDRESS: (int(settings.LOGIN_ADDRESS_FAILURE_LIMIT), seconds),
    }


def _account(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    return (get_client_username(request, credentials) or "").strip().lower()


def _identities(request: HttpRequest, credentials: dict[str, Any] | None) -> dict[str, str]:
    found = {ADDRESS: client_bucket(request)}
    account = _account(request, credentials)
    if account:
        found[ACCOUNT] = account
    return found


def _locked(counts: dict[str, Hit]) -> list[str]:
    """Axes' rule: locked once the failures reach the limit."""
    return [scope for scope, counted in counts.items() if counted.count >= counted.limit]


class LoginThrottleHandler(AbstractAxesHandler, AxesBaseHandler):
    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        rates = _rates(request)
        return max(
            peek(scope, identity, rate=rates[scope]).count
            for scope, identity in _identities(request, credentials).items()
        )

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        rates = _rates(request)
        counts = {
            scope: peek(scope, identity, rate=rates[scope])
            for scope, identity in _identities(request, credentials).items()
        }
        locked = _locked(counts)
        if locked:
            setattr(request, _RETRY_AFTER, max(counts[s].retry_after for s in locked))
        return bool(locked)

    def user_login_failed(
        self, sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
    ) -> None:
        if request is None or getattr(request, "axes_locked_out", False):
            return  # no request to count, or refused before the password was even checked
        if self.is_whitelisted(request, credentials):
            return
        rates = _rates(request)
        counts = {
            scope: hit(scope, identity, rate=rates[scope])
            for scope, identity in _identities(request, credentials).items()
        }
        locked = _locked(counts)
        if not locked:
            return
        setattr(request, _RETRY_AFTER, max(counts[s].retry_after for s in locked))
        request.axes_locked_out = True
        request.axes_credentials = credentials
        for scope in locked:
            if counts[scope].count == counts[scope].limit:  # the failure that started the lock
                _audit_lock(request, scope, _account(request, credentials))
        user_locked_out.send(
            "axes",
            request=request,
            username=_account(request, credentials),
            ip_address=getattr(request, "axes_ip_address", None),
        )

    def user_logged_in(
        self, sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: Any
    ) -> None:
        if settings.AXES_RESET_ON_SUCCESS:
            forget(ACCOUNT, user.get_username().strip().lower())

    def user_logged_out(
        self,
        sender: Any,
        request: HttpRequest | None,
        user: AbstractBaseUser | None,
        **kwargs: Any,
    ) -> None:
        return None

    # Axes' own tables are never written by this handler; rows left from before (purged by
    # `accounts.retention.purge_login_records`) raise these signals when saved or deleted.
    def post_save_access_attempt(self, instance: Any, **kwargs: Any) -> None:
        return None

    def post_delete_access_attempt(self, instance: Any, **kwargs: Any) -> None:
        return None

    def reset_attempts(
        self,
        *,
        ip_address: str | None = None,
        username: str | None = None,
        ip_or_username: bool = False,
    ) -> int:
        """`manage.py axes_reset_ip` / `axes_reset_username` (an address as the client's bucket)."""
        count = 0
        if ip_address:
            forget(ADDRESS, ip_address)
            count += 1
        if username:
            forget(ACCOUNT, username.strip().lower())
            count += 1
        return count


def _audit_lock(request: HttpRequest, scope: str, account: str) -> None:
    actor = getattr(request, "user", None)  # anonymous: the person is not signed in yet
    if scope == ACCOUNT:
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target_type="accounts.user",
            changes={"email": account[:254]},
            reason="sign-in locked: too many failures for this account",
        )
    else:
        record(
            actor=actor,
            action=AuditAction.DENIED,
            target_type="login",
            reason="sign-in locked: too many failures from this address",
        )


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the translated page, 429 with Retry-After."""
    wait = getattr(request, _RETRY_AFTER, None) or _window(request)
    response = render(request, "accounts/locked_out.html", status=429)
    response["Retry-After"] = str(wait)
    return response
