from __future__ import annotations

from copnet.core.errors import DomainError


class CampaignError(DomainError):
    """Input a campaign service refuses; nothing was changed."""
