from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

EMERGENCY_NUMBERS = ("111", "113")


def platform(request: HttpRequest) -> dict[str, object]:
    return {
        "EMERGENCY_NUMBERS": EMERGENCY_NUMBERS,
        "DEBUG": settings.DEBUG,
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
    }
