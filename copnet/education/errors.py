from __future__ import annotations


class LearningError(Exception):
    """Input a learning service refuses; nothing was changed. `code` is stable, `message` is
    translated."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
