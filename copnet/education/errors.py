from __future__ import annotations

from copnet.core.errors import DomainError


class LearningError(DomainError):
    """Input a learning service refuses; nothing was changed. `code` is stable, `message` is
    translated."""
