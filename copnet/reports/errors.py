from __future__ import annotations

from copnet.core.errors import DomainError


class IntakeError(DomainError):
    """A report that cannot be accepted; `field` names the input at fault, if one is."""
