"""Lesson Markdown is rendered to safe HTML: injected script, handlers and URLs are inert."""

from __future__ import annotations

import re

import pytest

from copnet.education.markdown import render_markdown, video_embed_url


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "Hello <img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">click</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](javascript:alert(1))",
        '<iframe src="https://evil.example"></iframe>',
        '<div style="background:url(javascript:alert(1))" onclick="alert(1)">x</div>',
        "<svg><script>alert(1)</script></svg>",
    ],
)
def test_injected_markup_is_rendered_inert(source):
    html = render_markdown(source).lower()
    for tag in ("<script", "<iframe", "<svg", "<div", '<img src="x'):
        assert tag not in html
    assert re.search(r"<[^>]+\s(href|src)=\"\s*(javascript|data|vbscript):", html) is None
    assert re.search(r"<[^>]+\s(on[a-z]+|style)=", html) is None


def test_raw_html_is_shown_as_text_not_markup():
    html = render_markdown("<script>alert(1)</script>")
    assert "&lt;script&gt;" in html


def test_ordinary_markdown_keeps_its_formatting():
    html = render_markdown("**Bí mật** của em\n\n- một\n- hai\n\n[111](tel:111)")
    assert "<strong>Bí mật</strong>" in html
    assert "<li>một</li>" in html
    assert 'href="tel:111"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_images_only_over_https_or_from_this_site():
    assert 'src="https://cdn.example/a.png"' in render_markdown("![a](https://cdn.example/a.png)")
    assert 'src="/learn/picture/1/"' in render_markdown("![a](/learn/picture/1/)")
    assert "src=" not in render_markdown("![a](http://tracker.example/p.gif)")
    assert "src=" not in render_markdown("![a](//tracker.example/p.gif)")


@pytest.mark.parametrize(
    ("url", "embed"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        ),
        ("https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
        ("http://www.youtube.com/watch?v=dQw4w9WgXcQ", None),
        ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
        ("https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ", None),
        ('https://www.youtube.com/watch?v="><script>', None),
        ("javascript:alert(1)", None),
        ("https://user@www.youtube.com/watch?v=dQw4w9WgXcQ", None),
    ],
)
def test_videos_embed_only_from_the_allow_list(url, embed):
    assert video_embed_url(url) == embed
