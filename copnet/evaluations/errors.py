from __future__ import annotations


class EvaluationError(Exception):
    """A step that cannot be taken; `code` is stable, `message` is translated for the person."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
