from __future__ import annotations


class IntakeError(Exception):
    """A report that cannot be accepted; `field` names the input at fault, if one is."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
