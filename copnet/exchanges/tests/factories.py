"""Builders for exchanges, made through the services."""

from __future__ import annotations

from typing import Any

from copnet.exchanges.models import Exchange
from copnet.exchanges.services import ExchangeInput, do_save_exchange

DEFAULT_CREDENTIALS: dict[str, dict[str, str]] = {
    "ncmec": {"username": "copnet", "password": "secret"},
    "stopncii": {
        "subscription_key": "sub",
        "fetch_key": "fetch",
        "feedback_key": "feedback",
        "submit_key": "submit",
    },
    "threatexchange": {
        "access_token": "1234567890|tokentokentokentokentoken",
        "privacy_group": "555",
    },
}


def make_exchange(
    actor: Any, *, kind: str, url: str, name: str | None = None, **fields: Any
) -> Exchange:
    credentials = fields.pop("credentials", None) or DEFAULT_CREDENTIALS[kind]
    return do_save_exchange(
        data=ExchangeInput(
            name=name or kind,
            kind=kind,
            endpoint=url,
            legal_ground=fields.pop("legal_ground", "MoU with the partner; Decree 13 art. 25"),
            transfer_assessment_ref=fields.pop("transfer_assessment_ref", "TIA-2026-004"),
            credentials=credentials,
            **fields,
        ),
        actor=actor,
    )
