from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from copnet.accounts.models import User
from copnet.accounts.second_factor import do_reset_second_factor


class Command(BaseCommand):
    help = (
        "Remove every second factor of a person who lost them (for example the administrator, "
        "when no coordinator can do it on the person's page): their sessions end and they set "
        "up a new one at their next sign-in. Audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--reason", default="", help="Written to the audit trail.")

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip().lower()
        user = User.objects.filter(email=email).first()
        if user is None:
            raise CommandError(f"No account with the e-mail {email}.")
        removed = do_reset_second_factor(
            user=user, actor=None, reason=options["reason"] or "manage.py reset_second_factor"
        )
        self.stdout.write(
            f"Removed {removed} second-factor device(s) of {user.email}; their sessions ended. "
            "They set up a new second factor at their next sign-in."
        )
