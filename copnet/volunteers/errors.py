from __future__ import annotations


class VolunteerError(Exception):
    """A refused volunteer-network operation: a stable code, a translated message, the field."""

    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
