"""Lesson Markdown to safe HTML, and the allow-list of video hosts that may be embedded.

Markdown is rendered by markdown-it-py with raw HTML switched off, then the HTML is cleaned by
nh3 (the Rust `ammonia` sanitiser) with a short allow-list of tags and attributes, so that
script, event handlers, styles and `javascript:` links are dropped whatever an author types.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import nh3
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "ul", "ol", "li", "blockquote", "a",
    "code", "pre", "img", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}}
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}
# Images only from this site (a relative path) or over https: no tracking pixels over http.
_IMG_SRC = re.compile(r"^(/[^/]|https://)")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not _IMG_SRC.match(value):
        return None
    return value


def render_markdown(text: str) -> str:
    """Safe HTML for a lesson's Markdown (raw HTML is shown as text, then sanitised)."""
    html = _MD.render(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        attribute_filter=_attribute_filter,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_VIMEO_ID = re.compile(r"^[0-9]{6,12}$")


def video_embed_url(url: str) -> str | None:
    """The embed address for a video link from an allowed host, or None.

    Allowed: YouTube (embedded through youtube-nocookie.com, which sets no cookies until play)
    and Vimeo. Anything else, or anything odd about the link, is refused."""
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    if parts.scheme != "https" or parts.username or parts.password or parts.port:
        return None
    host = (parts.hostname or "").lower()
    path = parts.path.strip("/")
    video_id = ""
    if host in {"www.youtube.com", "youtube.com", "m.youtube.com", "www.youtube-nocookie.com"}:
        if path == "watch":
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        elif path.startswith(("embed/", "shorts/")):
            video_id = path.split("/", 1)[1]
    elif host == "youtu.be":
        video_id = path
    elif host in {"vimeo.com", "player.vimeo.com"}:
        vimeo_id = path.removeprefix("video/")
        return f"https://player.vimeo.com/video/{vimeo_id}" if _VIMEO_ID.match(vimeo_id) else None
    if _YOUTUBE_ID.match(video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return None
