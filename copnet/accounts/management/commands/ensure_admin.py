from __future__ import annotations

import os
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from copnet.accounts.services import do_ensure_admin
from copnet.core.links import absolute_reverse
from copnet.network.selectors import organisation_by_code

DEFAULT_ORG = "VNCERT"


class Command(BaseCommand):
    help = (
        "Make sure an administrator exists. Reads COPNET_ADMIN_EMAIL and COPNET_ADMIN_PASSWORD; "
        "without a password a random one is generated and printed once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        email = os.environ.get("COPNET_ADMIN_EMAIL", "admin@copnet.local").strip().lower()
        password = os.environ.get("COPNET_ADMIN_PASSWORD") or None
        organisation = organisation_by_code(os.environ.get("COPNET_ADMIN_ORG", DEFAULT_ORG))
        if organisation is None:
            raise CommandError("Load the reference data first (manage.py load_reference_data).")
        user, shown_password = do_ensure_admin(
            email=email, password=password, organisation=organisation
        )
        login_url = absolute_reverse("accounts:login")
        if shown_password:
            self.stdout.write(
                f"Administrator created. Log in at {login_url}\n"
                f"  e-mail:   {user.email}\n  password: {shown_password}\n"
                "This password is shown only now; change it after logging in "
                "(manage.py changepassword)."
            )
        elif password:
            self.stdout.write(f"Administrator {user.email} ready (password from the environment).")
        else:
            self.stdout.write(
                f"Administrator {user.email} exists. Log in at {login_url}; "
                f"forgot the password? Run: .venv/bin/python manage.py changepassword {user.email}"
            )
