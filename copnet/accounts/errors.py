from __future__ import annotations


class AccountError(Exception):
    """A sign-in or account step that cannot be taken; `code` is stable, `message` is translated
    for the person."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
