from __future__ import annotations


class CampaignError(Exception):
    """Input a campaign service refuses; nothing was changed."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
