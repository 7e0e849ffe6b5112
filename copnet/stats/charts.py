"""Server-drawn SVG charts: no JavaScript, no map tiles, readable in both languages.

Every chart has a <title> and <desc> for screen readers and is shown beside a table with the
same figures (the accessible fallback). Text is escaped; values are numbers we computed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .geo import ARCHIPELAGO_NAMES, map_data

PALETTE = ["#0b5394", "#e69138", "#6aa84f", "#a64d79", "#45818e", "#999999"]
BLUES = ["#eef3f8", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]


def _svg(width: int, height: int, title: str, desc: str, body: str, chart_id: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every piece below is escaped or a number
        f'<svg viewBox="0 0 {width} {height}" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" id="{chart_id}">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>{body}</svg>'
    )


def bar_chart(rows: Sequence[dict[str, Any]], title: str, chart_id: str) -> SafeString:
    """Horizontal bars, one per row ({"label", "n"}), largest first, at most 12."""
    rows = list(rows)[:12]
    width, bar_h, label_w = 640, 22, 210
    height = max(1, len(rows)) * (bar_h + 6) + 6
    top = max((r["n"] for r in rows), default=0) or 1
    parts = []
    for index, row in enumerate(rows):
        y = 6 + index * (bar_h + 6)
        w = round((width - label_w - 70) * row["n"] / top, 1)
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" class="label">'
            f"{escape(row['label'][:32])}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="{PALETTE[0]}">'
            f"<title>{escape(row['label'])}: {row['n']}</title></rect>"
            f'<text x="{label_w + w + 6}" y="{y + 15}" class="value">{row["n"]}</text>'
        )
    desc = "; ".join(f"{r['label']}: {r['n']}" for r in rows) or _("No data")
    return _svg(width, height, title, desc, "".join(parts), chart_id)


def line_chart(points: Sequence[dict[str, Any]], title: str, chart_id: str) -> SafeString:
    """Cases and reports per bucket ({"label", "cases", "reports"}) as two lines."""
    width, height, left, bottom = 640, 240, 48, 36
    top = max([p["cases"] for p in points] + [p["reports"] for p in points] + [1])
    count = max(len(points) - 1, 1)

    def xy(index: int, value: int) -> str:
        x = left + (width - left - 16) * index / count
        y = 12 + (height - bottom - 12) * (1 - value / top)
        return f"{x:.1f},{y:.1f}"

    parts = [
        f'<line x1="{left}" y1="{height - bottom}" x2="{width - 8}" y2="{height - bottom}" '
        'class="axis"/>',
        f'<text x="{left - 6}" y="16" text-anchor="end" class="value">{top}</text>',
        f'<text x="{left - 6}" y="{height - bottom}" text-anchor="end" class="value">0</text>',
    ]
    for key, colour, name in (
        ("reports", PALETTE[1], _("Reports")),
        ("cases", PALETTE[0], _("Cases")),
    ):
        line = " ".join(xy(i, p[key]) for i, p in enumerate(points))
        parts.append(
            f'<polyline points="{line}" fill="none" stroke="{colour}" stroke-width="2.5">'
            f"<title>{escape(name)}</title></polyline>"
        )
        for i, p in enumerate(points):
            x, y = xy(i, p[key]).split(",")
            parts.append(
                f'<circle cx="{x}" cy="{y}" r="3" fill="{colour}">'
                f"<title>{escape(name)} {escape(p['label'])}: {p[key]}</title></circle>"
            )
    step = max(1, len(points) // 8)
    for i, p in enumerate(points):
        if i % step == 0 or i == len(points) - 1:
            x = xy(i, 0).split(",")[0]
            parts.append(
                f'<text x="{x}" y="{height - bottom + 16}" text-anchor="middle" class="label">'
                f"{escape(p['label'])}</text>"
            )
    parts.append(
        f'<rect x="{left}" y="{height - 14}" width="12" height="4" fill="{PALETTE[0]}"/>'
        f'<text x="{left + 16}" y="{height - 8}" class="label">{escape(_("Cases"))}</text>'
        f'<rect x="{left + 110}" y="{height - 14}" width="12" height="4" fill="{PALETTE[1]}"/>'
        f'<text x="{left + 126}" y="{height - 8}" class="label">{escape(_("Reports"))}</text>'
    )
    desc = "; ".join(f"{p['label']}: {p['cases']} / {p['reports']}" for p in points)
    return _svg(width, height, title, desc, "".join(parts), chart_id)


def stacked_chart(
    buckets: Sequence[dict[str, Any]], series: Sequence[str], title: str, chart_id: str
) -> SafeString:
    """Vertical stacked bars: each bucket {"label", "parts": {series_name: n}}."""
    width, height, left, bottom = 640, 260, 40, 70
    top = max([sum(b["parts"].values()) for b in buckets] + [1])
    slot = (width - left - 8) / max(len(buckets), 1)
    parts = []
    for i, bucket in enumerate(buckets):
        y = height - bottom
        x = left + i * slot + slot * 0.15
        for j, name in enumerate(series):
            n = bucket["parts"].get(name, 0)
            h = (height - bottom - 10) * n / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(bucket["label"])} · '
                f"{escape(name)}: {n}</title></rect>"
            )
        if i % max(1, len(buckets) // 8) == 0:
            parts.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{height - bottom + 14}" '
                f'text-anchor="middle" class="label">{escape(bucket["label"])}</text>'
            )
    for j, name in enumerate(series):
        lx, ly = left + (j % 3) * 200, height - 36 + (j // 3) * 16
        parts.append(
            f'<rect x="{lx}" y="{ly - 9}" width="10" height="10" '
            f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="{ly}" class="label">{escape(name[:30])}</text>'
        )
    desc = "; ".join(
        f"{b['label']}: " + ", ".join(f"{k} {v}" for k, v in b["parts"].items() if v)
        for b in buckets
    )
    return _svg(width, height, title, desc, "".join(parts), chart_id)


def classes(values: Sequence[int], count: int = 5) -> list[int]:
    """Upper bounds of `count` equal-width classes from 1 to the largest value."""
    top = max(values, default=0)
    if top <= 0:
        return []
    return sorted({max(1, round(top * (i + 1) / count)) for i in range(count)})


def province_map(
    counts: dict[str, int],
    title: str,
    link: str,
    chart_id: str,
    *,
    empty_fill: str | None = None,
    desc: str | None = None,
) -> SafeString:
    """A choropleth of the 34 current provinces: darker = more (cases, by default).

    `link` is a URL prefix to which the province code is appended (drill-down). With
    `empty_fill`, provinces counting 0 get that colour and the class "gap" (e.g. no volunteer).
    """
    data = map_data()
    width, height = data["width"], data["height"]
    bounds = classes(list(counts.values()))

    def shade(code: str) -> str:
        n = counts.get(code, 0)
        if n == 0 and empty_fill:
            return empty_fill
        return BLUES[0 if n == 0 else 1 + next(i for i, b in enumerate(bounds) if n <= b)]

    def css_class(code: str) -> str:
        return "province gap" if empty_fill and not counts.get(code, 0) else "province"

    parts = []
    for code, shape in data["provinces"].items():
        parts.append(
            format_html(
                '<a href="{}{}" class="{}" data-province="{}">'
                '<path d="{}" fill="{}"><title>{}: {}</title></path></a>',
                link,
                code,
                css_class(code),
                code,
                shape["d"],
                shade(code),
                shape["name"],
                counts.get(code, 0),
            )
        )
    for code, islands in data["islands"].items():
        x, y, w, h = islands["box"]
        name = str(ARCHIPELAGO_NAMES.get(code, islands["name"]))
        owner = data["provinces"][code]["name"]
        dots = format_html_join("", '<circle cx="{}" cy="{}" r="2.5"/>', islands["dots"])
        parts.append(
            format_html(
                '<a href="{}{}" class="{} islands" data-province="{}" fill="{}">'
                '<rect x="{}" y="{}" width="{}" height="{}" rx="6"/>{}'
                '<text x="{}" y="{}" class="label">{}</text><title>{} ({}): {}</title></a>',
                link,
                code,
                css_class(code),
                code,
                shade(code),
                x,
                y,
                w,
                h,
                dots,
                x,
                y - 4,
                name,
                name,
                owner,
                counts.get(code, 0),
            )
        )
    ly = height + 12
    legend = [(empty_fill or BLUES[0], "0")]
    legend += [(BLUES[i + 1], f"≤ {b}") for i, b in enumerate(bounds)]
    for index, (colour, text) in enumerate(legend):
        lx = 8 + index * 44
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="14" height="14" fill="{colour}" '
            f'stroke="#7a8794"/><text x="{lx}" y="{ly + 26}" class="label">{escape(text)}</text>'
        )
    desc = desc or _(
        "Map of the 34 provinces and cities, shaded by the number of cases; the same figures "
        "are in the table below."
    )
    body = "".join(str(p) for p in parts)
    return _svg(width, height + 44, title, desc, f'<g class="map">{body}</g>', chart_id)
