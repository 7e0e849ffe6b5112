"""Defaults shared by the admin site's model pages."""

from __future__ import annotations

from typing import Any

from django.db import models

# URLs typed without a scheme are read as https (Django 6's default; 5.2 still warns).
URL_FIELDS_HTTPS: dict[type[models.Field], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}
