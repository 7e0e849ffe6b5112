from __future__ import annotations

from typing import Any

from copnet.accounts.choices import Role
from copnet.accounts.models import User
from copnet.accounts.tests.factories import make_user
from copnet.network.models import Organisation
from copnet.reports.tests.factories import file_report, make_image


def make_dpo(email: str = "dpo@vncert.example") -> User:
    return make_user(
        email=email,
        role=Role.DATA_PROTECTION_OFFICER,
        organisation=Organisation.objects.get(code="VNCERT"),
    )


def anonymous_report(seed: int = 3, **fields: Any) -> tuple[Any, str]:
    """A web report with a description, an address, a copied message, a picture and the
    reporter's contact; returns (report, secret). Another `seed` opens another case."""
    values: dict[str, Any] = {
        "description": "Con tôi bị nhắn tin đe dọa bởi tài khoản ke_xau_99",
        "urls": [f"https://www.facebook.com/ke.xau.{seed}"],
        "texts": ["Mày mà nói với ai thì biết tay"],
        "images": [make_image(seed)],
        "reporter_name": "Nguyễn Thị Lan",
        "reporter_contact": "0912 345 678",
        "child_age_band": "12-15",
    }
    values.update(fields)
    return file_report(**values)
