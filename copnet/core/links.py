"""Absolute links for e-mails, notices, PDFs, QR codes and API answers: always from `SITE_URL`.

A link that leaves the site (an e-mail, a printed notice, a QR code on a poster) must point at
the public address the operator configured, never at whatever Host header a request happened
to carry (behind a proxy that can be an internal name, and a forged Host would put the forger's
site into a QR code). Every absolute link is built here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`SITE_URL` joined with `path`, which must start with "/" (a result of `reverse`)."""
    if not path.startswith("/") or path.startswith("//"):
        raise ValueError(f"not a path on this site: {path!r}")
    return settings.SITE_URL.rstrip("/") + path


def absolute_reverse(viewname: str, *args: Any, **kwargs: Any) -> str:
    """`absolute_url(reverse(viewname, args=args, kwargs=kwargs))`."""
    return absolute_url(reverse(viewname, args=args or None, kwargs=kwargs or None))
