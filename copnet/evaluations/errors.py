from __future__ import annotations

from copnet.core.errors import DomainError


class EvaluationError(DomainError):
    """A step that cannot be taken; `code` is stable, `message` is translated for the person."""
