from __future__ import annotations

from copnet.core.errors import DomainError


class VolunteerError(DomainError):
    """A refused volunteer-network operation: a stable code, a translated message, the field."""
