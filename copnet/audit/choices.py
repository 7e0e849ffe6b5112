from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    VIEW = "view", _("Viewed")
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    REVOKE = "revoke", _("Revoked")
    TRANSITION = "transition", _("Changed state")
    EXPORT = "export", _("Exported")
    DENIED = "denied", _("Refused")
    # Sign-in security (accounts.second_factor, accounts.views).
    SECOND_FACTOR_ADDED = "second_factor_added", _("Set up a second factor")
    SECOND_FACTOR_PASSED = "second_factor_passed", _("Passed the second step")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong second-step code")
    RECOVERY_CODE_USED = "recovery_code_used", _("Used a recovery code")
    RECOVERY_CODES_CREATED = "recovery_codes_created", _("Made new recovery codes")
    SECOND_FACTOR_REMOVED = "second_factor_removed", _("Removed a second factor")
    SECOND_FACTOR_RESET = "second_factor_reset", _("Reset a second factor")
    PASSWORD_CHANGED = "password_changed", _("Changed the password")
