"""Server-drawn charts: no JavaScript, no map tiles, readable in both languages.

Charts are drawn at the size they are shown: the bar, line and stacked charts have no viewBox
(positions in percent of the width, heights in CSS pixels), so their text keeps its CSS size
(13 px) on a phone and on a desktop; labels and legends are HTML that wraps, long labels are
shortened with the full text as a tooltip. The province map must scale as a whole, so it
carries no text at all (names in each province's tooltip and link name, legend in HTML).
Every chart has a text alternative and is shown above a table with the same figures. Colours
are the Okabe-Ito palette (told apart with the common colour-vision deficiencies). Text is
escaped; values are numbers we computed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .geo import ARCHIPELAGO_NAMES, map_data

# Okabe & Ito (2008), without yellow (too pale on white).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000"]
BLUES = ["#eef3f8", "#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
LABEL_CHARS = 40
MAX_AXIS_LABELS = 6


def short(label: str, limit: int = LABEL_CHARS) -> str:
    """`label` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    if len(label) <= limit:
        return label
    cut = label[: limit - 1].rsplit(" ", 1)[0] if " " in label[: limit - 1] else label[: limit - 1]
    return cut.rstrip(" ,;:-–") + "…"


def _label_html(label: str) -> str:
    shown = short(label)
    if shown == label:
        return f'<span class="bar-label">{escape(label)}</span>'
    return f'<span class="bar-label" title="{escape(label)}">{escape(shown)}</span>'


def _legend(series: Sequence[tuple[str, str]], chart_id: str) -> str:
    items = "".join(
        f'<li><span class="swatch swatch-{index}" aria-hidden="true"></span>{escape(name)}</li>'
        for index, (name, _colour) in enumerate(series)
    )
    return f'<ul class="chart-legend" id="{chart_id}-legend">{items}</ul>'


def _plot(height: int, title: str, desc: str, body: str, chart_id: str) -> str:
    """An SVG at its displayed size: 100 % wide, `height` CSS pixels, no viewBox."""
    return (
        f'<svg width="100%" height="{height}" class="plot" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" id="{chart_id}">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc>{body}</svg>'
    )


def bar_chart(rows: Sequence[dict[str, Any]], title: str, chart_id: str) -> SafeString:
    """Horizontal bars, one per row ({"label", "n"}), largest first, at most 12: HTML labels
    that wrap, a bar drawn as a percentage of the largest, the value at the end."""
    rows = list(rows)[:12]
    top = max((r["n"] for r in rows), default=0) or 1
    desc = "; ".join(f"{r['label']}: {r['n']}" for r in rows) or _("No data")
    lines = []
    for row in rows:
        share = round(100 * row["n"] / top, 2)
        lines.append(
            f'<div class="bar-row" title="{escape(row["label"])}: {row["n"]}">'
            f"{_label_html(row['label'])}"
            f'<svg class="bar-track" width="100%" height="14" aria-hidden="true" '
            f'focusable="false"><rect width="{share}%" height="14" fill="{PALETTE[0]}"/></svg>'
            f'<span class="bar-value">{row["n"]}</span></div>'
        )
    if not lines:
        lines.append(f'<p class="bar-empty">{escape(_("No data for this period."))}</p>')
    return mark_safe(  # noqa: S308 - every piece is escaped or a number
        f'<div class="bar-chart" id="{chart_id}" role="img" '
        f'aria-label="{escape(title)}: {escape(desc)}">{"".join(lines)}</div>'
    )


def _x(index: int, count: int, left: float = 6.0, right: float = 3.0) -> float:
    """Horizontal position (percent of the width) of point `index` of `count`."""
    return left + (100 - left - right) * (index / max(count - 1, 1))


def _axis_labels(labels: Sequence[str], position: Any, y: int) -> str:
    step = max(1, math.ceil(len(labels) / MAX_AXIS_LABELS))
    parts = []
    for i, text in enumerate(labels):
        if i % step == 0 or i == len(labels) - 1 and (len(labels) - 1) % step >= step / 2:
            parts.append(
                f'<text x="{position(i):.2f}%" y="{y}" text-anchor="middle" class="label">'
                f"{escape(text)}</text>"
            )
    return "".join(parts)


def line_chart(points: Sequence[dict[str, Any]], title: str, chart_id: str) -> SafeString:
    """Cases and reports per bucket ({"label", "cases", "reports", "partial"?}) as two lines.
    A bucket still running ("partial") is drawn as a hollow point and named "to date"."""
    height, top_px, bottom = 230, 26, 34
    plot_h = height - top_px - bottom
    top = max([p["cases"] for p in points] + [p["reports"] for p in points] + [1])
    count = len(points)

    def y(value: int) -> float:
        return top_px + plot_h * (1 - value / top)

    parts = [
        f'<line x1="{_x(0, 2):.2f}%" y1="{height - bottom}" x2="97%" y2="{height - bottom}" '
        'class="axis"/>',
        f'<text x="0" y="16" class="value">{escape(_("max"))} {top}</text>',
    ]
    lines = []
    series = (("reports", PALETTE[1], _("Reports")), ("cases", PALETTE[0], _("Cases")))
    for key, colour, _name in series:
        # The lines scale with the width (their own viewBox, stretched; strokes keep their width).
        coords = " ".join(f"{_x(i, count) * 10:.1f},{y(p[key]):.1f}" for i, p in enumerate(points))
        lines.append(
            f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="2.5" '
            'vector-effect="non-scaling-stroke"/>'
        )
    parts.append(
        f'<svg x="0" y="0" width="100%" height="{height}" viewBox="0 0 1000 {height}" '
        f'preserveAspectRatio="none" aria-hidden="true">{"".join(lines)}</svg>'
    )
    for key, colour, name in series:
        for i, p in enumerate(points):
            fill = "#ffffff" if p.get("partial") else colour
            note = f" ({_('to date')})" if p.get("partial") else ""
            parts.append(
                f'<circle cx="{_x(i, count):.2f}%" cy="{y(p[key]):.1f}" r="4" fill="{fill}" '
                f'stroke="{colour}" stroke-width="2"><title>{escape(name)} '
                f"{escape(p['label'])}{escape(note)}: {p[key]}</title></circle>"
            )
    parts.append(
        _axis_labels([p["label"] for p in points], lambda i: _x(i, count), height - bottom + 18)
    )
    desc = "; ".join(
        f"{p['label']}{' (' + _('to date') + ')' if p.get('partial') else ''}: "
        f"{p['cases']} / {p['reports']}"
        for p in points
    )
    svg = _plot(height, title, desc or _("No data"), "".join(parts), chart_id)
    legend = _legend([(str(_("Cases")), PALETTE[0]), (str(_("Reports")), PALETTE[1])], chart_id)
    return mark_safe(svg + legend)  # noqa: S308 - escaped above


def stacked_chart(
    buckets: Sequence[dict[str, Any]], series: Sequence[str], title: str, chart_id: str
) -> SafeString:
    """Vertical stacked bars: each bucket {"label", "parts": {series_name: n}}; legend in HTML."""
    height, top_px, bottom = 220, 10, 28
    plot_h = height - top_px - bottom
    top = max([sum(b["parts"].values()) for b in buckets] + [1])
    left, right = 2.0, 2.0
    slot = (100 - left - right) / max(len(buckets), 1)
    parts = []
    for i, bucket in enumerate(buckets):
        base = height - bottom
        x = left + i * slot + slot * 0.15
        for j, name in enumerate(series):
            n = bucket["parts"].get(name, 0)
            h = plot_h * n / top
            base -= h
            parts.append(
                f'<rect x="{x:.2f}%" y="{base:.1f}" width="{slot * 0.7:.2f}%" height="{h:.1f}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(bucket["label"])} · '
                f"{escape(name)}: {n}</title></rect>"
            )
    parts.append(
        _axis_labels(
            [b["label"] for b in buckets], lambda i: left + i * slot + slot / 2, height - 8
        )
    )
    desc = "; ".join(
        f"{b['label']}: " + ", ".join(f"{k} {v}" for k, v in b["parts"].items() if v)
        for b in buckets
    )
    svg = _plot(height, title, desc or _("No data"), "".join(parts), chart_id)
    legend = _legend([(name, PALETTE[j % len(PALETTE)]) for j, name in enumerate(series)], chart_id)
    return mark_safe(svg + legend)  # noqa: S308 - escaped above


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
    The SVG is a group of links (not an image, which may not contain links): each province is
    reached with Tab, named "province: n", and opens its drill-down with Enter. It carries no
    text (it scales with the page); the legend and the archipelagos' names follow in HTML.
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
                '<a aria-label="{}: {}" href="{}{}" class="{}" data-province="{}">'
                '<path d="{}" fill="{}"><title>{}: {}</title></path></a>',
                shape["name"],
                counts.get(code, 0),
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
    names = []
    for code, islands in data["islands"].items():
        x, y, w, h = islands["box"]
        name = str(ARCHIPELAGO_NAMES.get(code, islands["name"]))
        owner = data["provinces"][code]["name"]
        names.append(f"{name} ({owner})")
        dots = format_html_join("", '<circle cx="{}" cy="{}" r="2.5"/>', islands["dots"])
        parts.append(
            format_html(
                '<a aria-label="{} ({}): {}" href="{}{}" class="{} islands" data-province="{}" '
                'fill="{}"><rect x="{}" y="{}" width="{}" height="{}" rx="6"/>{}'
                "<title>{} ({}): {}</title></a>",
                name,
                owner,
                counts.get(code, 0),
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
                name,
                owner,
                counts.get(code, 0),
            )
        )
    desc = desc or _(
        "Map of the 34 provinces and cities, shaded by the number of cases; the same figures "
        "are in the table below."
    )
    body = "".join(str(p) for p in parts)
    svg = (
        f'<svg viewBox="0 0 {width} {height}" class="chart map-chart" role="group" '
        f'aria-labelledby="{chart_id}-t" aria-describedby="{chart_id}-d" id="{chart_id}">'
        f'<title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(desc)}</desc><g class="map">{body}</g></svg>'
    )
    legend = [(empty_fill or BLUES[0], "0", "empty" if empty_fill else "0")]
    legend += [(BLUES[i + 1], f"≤ {b}", str(i + 1)) for i, b in enumerate(bounds)]
    keys = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true" focusable="false">'
        f'<rect width="14" height="14" fill="{colour}" stroke="#7a8794"/></svg>{escape(text)}</li>'
        for colour, text, _key in legend
    )
    note = escape(_("Dashed boxes: %(names)s.") % {"names": "; ".join(names)})
    return mark_safe(  # noqa: S308 - every piece above is escaped or a number
        f'{svg}<ul class="chart-legend map-legend" aria-label="{escape(_("Legend"))}">{keys}'
        f'</ul><p class="help">{note}</p>'
    )
