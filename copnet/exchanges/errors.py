"""Errors of the exchanges app: a stable code, a translated message and an HTTP status
(core.errors). Configuration refusals, partners that could not be read or written, and
CyberTipline referral files that are refused."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class ExchangeErrorCode(models.TextChoices):
    FORBIDDEN = "forbidden", _("You may not do this.")
    # Configuration (services.do_save_exchange).
    UNKNOWN_PROTOCOL = "unknown_protocol", _("Unknown protocol.")
    ENDPOINT_NOT_HTTPS = "endpoint_not_https", _("An exchange is reached over HTTPS only.")
    ENDPOINT_INVALID = "endpoint_invalid", _("Give the partner's base address, nothing more.")
    TRANSFER_GROUND_MISSING = (
        "transfer_ground_missing",
        _("Record the legal ground and the cross-border transfer assessment first."),
    )
    CREDENTIALS_MISSING = "credentials_missing", _("Give the partner's credentials.")
    DUPLICATE = "duplicate", _("This name is already taken.")
    SUBMISSIONS_UNSUPPORTED = (
        "submissions_unsupported",
        _("This partner does not take young people's fingerprints."),
    )
    PRIVACY_GROUP_INVALID = (
        "privacy_group_invalid",
        _("A ThreatExchange privacy group is a number."),
    )
    # The partner (http.py, protocols/).
    UNAVAILABLE = (
        "exchange_unavailable",
        _("The partner did not answer usefully. Try again later."),
    )
    PROTOCOL = "exchange_protocol", _("The partner's answer does not follow its protocol.")
    # Feedback (feedback.py).
    UNKNOWN_VERDICT = "unknown_verdict", _("Unknown verdict.")
    NOT_FROM_EXCHANGE = "not_from_exchange", _("This match did not come from an exchange.")
    # Referrals in (referrals.py).
    REFERRAL_INVALID = "referral_invalid", _("The referral file is not valid.")
    REFERRAL_DUPLICATE = "referral_duplicate", _("This report was already imported.")
    # Reports out (reports_out.py).
    INVALID_URL = "invalid_url", _("This is not a web address.")
    UNRESOLVED = "unresolved", _("The host name could not be resolved.")
    NO_COUNTRY = "no_country", _("No country is registered for this address (private?).")
    HOSTED_AT_HOME = (
        "hosted_at_home",
        _("This address is hosted in Viet Nam: send a removal request instead."),
    )
    UNKNOWN_CLASSIFICATION = "unknown_classification", _("Unknown classification.")
    UNKNOWN_STATUS = "unknown_status", _("Unknown status.")
    UNKNOWN_HOTLINE = "unknown_hotline", _("Unknown hotline.")


class ExchangeError(DomainError):
    """A refused configuration, verdict, referral or foreign report, or a partner that could not
    be read or written; nothing was changed."""

    codes = ExchangeErrorCode
    statuses = {
        ExchangeErrorCode.FORBIDDEN: 403,
        ExchangeErrorCode.DUPLICATE: 409,
        ExchangeErrorCode.REFERRAL_DUPLICATE: 409,
        ExchangeErrorCode.UNAVAILABLE: 502,
        ExchangeErrorCode.PROTOCOL: 502,
    }


class ExchangeUnavailable(ExchangeError):
    """The partner did not answer usefully after the retries (timeouts, 429, 5xx): nothing of
    the failed page was written, the checkpoint still points at it. `status_code` is the
    partner's last HTTP status (None: no answer)."""

    def __init__(
        self,
        code: str,
        message: Any = None,
        field: str | None = None,
        *,
        status: int | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(code, message, field, status=status)
        self.status_code = status_code


class ExchangeProtocolError(ExchangeError):
    """The partner answered something that does not follow its protocol."""


class ReferralInvalid(ExchangeError):
    """A CyberTipline file refused; `errors` holds (line, message) for each fault found, the
    message names the first."""

    def __init__(self, errors: list[tuple[int, Any]]) -> None:
        line, message = errors[0]
        super().__init__(
            ExchangeErrorCode.REFERRAL_INVALID,
            gettext("line %(line)s: %(message)s") % {"line": line, "message": message},
            "file",
        )
        self.errors = errors


class ReferralDuplicate(ExchangeError):
    """A CyberTipline report whose number was already imported (409)."""

    def __init__(self, external_id: str) -> None:
        super().__init__(
            ExchangeErrorCode.REFERRAL_DUPLICATE,
            gettext("The report %(id)s was already imported.") % {"id": external_id},
            "file",
        )
        self.external_id = external_id
