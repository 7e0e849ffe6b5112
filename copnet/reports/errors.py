"""Errors of the reports app: reports that cannot be accepted."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from copnet.core.errors import DomainError


class IntakeErrorCode(models.TextChoices):
    INVALID = "invalid", _("This must be text.")
    TOO_LONG = "too_long", _("This text is too long.")
    INVALID_CHOICE = "invalid_choice", _("Choose one of the options.")
    UNKNOWN_CATEGORY = "unknown_category", _("Choose what happened from the list.")
    TOO_MANY_URLS = "too_many_urls", _("Too many web addresses.")
    INVALID_URL = "invalid_url", _("This is not a web address we can check.")
    TOO_MANY_TEXTS = "too_many_texts", _("Too many text excerpts.")
    TOO_MANY_FILES = "too_many_files", _("Too many pictures.")
    EMPTY_REPORT = (
        "empty_report",
        _("Tell us what happened, or give a web address or a picture."),
    )
    # What is wrong with a picture (`reports.evidence.EvidenceError`).
    EMPTY = "empty", _("This file is empty. Please choose a picture.")
    TOO_LARGE = "too_large", _("This picture is too big.")
    NOT_AN_IMAGE = (
        "not_an_image",
        _("We could not open this file as a picture. Please try another one."),
    )
    UNSUPPORTED_TYPE = (
        "unsupported_type",
        _(
            "We can only take pictures saved as JPEG, PNG, WebP or GIF, and videos saved as "
            "MP4, MOV, WebM, MKV, AVI, FLV or WMV. This file is something else."
        ),
    )
    DECOMPRESSION_BOMB = "decompression_bomb", _("This picture has too many pixels.")
    TRUNCATED = (
        "truncated",
        _("This picture is broken or only partly there. Please save it again and retry."),
    )
    # What is wrong with a video (`reports.evidence.inspect_video`).
    VIDEO_TOO_LARGE = "video_too_large", _("This video is too big.")
    NOT_A_VIDEO = (
        "not_a_video",
        _("We could not open this file as a video. Please try another one."),
    )
    VIDEO_UNSUPPORTED = (
        "video_unsupported",
        _(
            "We can only take videos saved as MP4, MOV, WebM, MKV, AVI, FLV or WMV, with a "
            "common video codec."
        ),
    )
    VIDEO_TOO_LONG = "video_too_long", _("This video is too long.")
    VIDEO_TOO_MANY_PIXELS = "video_too_many_pixels", _("This video's picture is too large.")
    VIDEO_TOO_SMALL = "video_too_small", _("This video's picture is too small to be checked.")
    VIDEO_TOO_MANY_STREAMS = "video_too_many_streams", _("This video has too many tracks.")
    VIDEO_TRUNCATED = (
        "video_truncated",
        _("This video is broken or only partly there. Please save it again and retry."),
    )
    VIDEO_TOO_SLOW = (
        "video_too_slow",
        _("This video takes too long to check. Please send a shorter part of it."),
    )
    # The partner API's Idempotency-Key header.
    INVALID_IDEMPOTENCY_KEY = (
        "invalid_idempotency_key",
        _("The Idempotency-Key header is too long (at most 200 characters)."),
    )
    IDEMPOTENCY_KEY_REUSED = (
        "idempotency_key_reused",
        _("This Idempotency-Key was already used for a different request."),
    )


class IntakeError(DomainError):
    """A report that cannot be accepted; `field` names the input at fault, if one is."""

    codes = IntakeErrorCode
    statuses = {IntakeErrorCode.IDEMPOTENCY_KEY_REUSED: 422}


class SelfHashErrorCode(models.TextChoices):
    """Refusals of fingerprints sent from the device (`reports.self_hash`)."""

    BAD_REQUEST = "bad_request", _("We could not read what your browser sent. Please try again.")
    MISSING_CATEGORY = "missing_category", _("Choose what the picture shows.")
    UNKNOWN_CATEGORY = "unknown_category", _("Choose what the picture shows from the list.")
    NO_IMAGES = "no_images", _("Choose at least one picture.")
    TOO_MANY_IMAGES = "too_many_images", _("Too many pictures at once: at most 10.")
    INVALID_HEX = (
        "invalid_hex",
        _("A fingerprint must be hexadecimal (0-9, a-f). Please choose the picture again."),
    )
    WRONG_LENGTH = (
        "wrong_length",
        _("A fingerprint has the wrong length. Please choose the picture again."),
    )
    NOT_FOUND = (
        "not_found",
        _("We could not find fingerprints with this code and secret. Check both and try again."),
    )
    ALREADY_WITHDRAWN = "already_withdrawn", _("These fingerprints were already withdrawn.")


class SelfHashError(DomainError):
    codes = SelfHashErrorCode
    statuses = {SelfHashErrorCode.ALREADY_WITHDRAWN: 409, SelfHashErrorCode.NOT_FOUND: 404}
