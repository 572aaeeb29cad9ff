"""Charts drawn on the server as inline SVG: no script, no CDN, readable on any intranet.

Three shapes cover the dashboard: stacked bars per day, a line per day, and horizontal
bars for a top-N list. Every label is escaped; numbers sit on the bars so a reader does
not have to estimate from an axis.
"""
from __future__ import annotations

from markupsafe import Markup, escape

PALETTE = ("#2f7d5b", "#e0a030", "#c8553d", "#5b7db1", "#8a6fb0", "#6c757d")


def _svg(width: int, height: int, body: list[str], title: str) -> Markup:
    return Markup(f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
                  f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">'
                  f'<title>{escape(title)}</title>{"".join(body)}</svg>')


def _legend(series: list[tuple[str, list[int]]], y: int) -> list[str]:
    out, x = [], 40
    for i, (name, _) in enumerate(series):
        color = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{x + 14}" y="{y}" class="legend">{escape(name)}</text>')
        x += 24 + 13 * len(name)
    return out


def stacked_bars(days: list[str], series: list[tuple[str, list[int]]], title: str,
                 width: int = 720, height: int = 220) -> Markup:
    """One bar per day, one colour per series, the day's total above the bar."""
    top, bottom, left = 24, 36, 40
    plot_h = height - top - bottom
    totals = [sum(values[i] for _, values in series) for i in range(len(days))]
    peak = max(totals + [1])
    step = (width - left - 10) / max(len(days), 1)
    bar = max(step * 0.6, 2)
    body = _legend(series, 14)
    for i, day in enumerate(days):
        x = left + i * step + (step - bar) / 2
        y = top + plot_h
        for n, (_, values) in enumerate(series):
            h = plot_h * values[i] / peak
            if h:
                y -= h
                body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                            f'fill="{PALETTE[n % len(PALETTE)]}"><title>{escape(day)} '
                            f'{escape(series[n][0])} {values[i]}</title></rect>')
        if totals[i]:
            body.append(f'<text x="{x + bar / 2:.1f}" y="{y - 3:.1f}" class="value">{totals[i]}</text>')
        body.append(f'<text x="{x + bar / 2:.1f}" y="{height - 18}" class="axis">{escape(day[5:])}</text>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" class="base"/>')
    return _svg(width, height, body, title)


def line(days: list[str], values: list[int], title: str, width: int = 720,
         height: int = 180) -> Markup:
    top, bottom, left = 16, 36, 40
    plot_h = height - top - bottom
    peak = max(values + [1])
    step = (width - left - 20) / max(len(days) - 1, 1)
    points = [(left + i * step, top + plot_h - plot_h * v / peak) for i, v in enumerate(values)]
    body = [f'<polyline fill="none" stroke="{PALETTE[2]}" stroke-width="2" points="'
            + " ".join(f"{x:.1f},{y:.1f}" for x, y in points) + '"/>']
    for (x, y), v, day in zip(points, values, days):
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[2]}"/>')
        if v:
            body.append(f'<text x="{x:.1f}" y="{y - 6:.1f}" class="value">{v}</text>')
        body.append(f'<text x="{x:.1f}" y="{height - 18}" class="axis">{escape(day[5:])}</text>')
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" class="base"/>')
    return _svg(width, height, body, title)


def hbars(items: list[tuple[str, int]], title: str, width: int = 720) -> Markup:
    """Horizontal bars, label on the left, count at the end of the bar."""
    row, label_w = 24, 300
    height = max(len(items), 1) * row + 8
    peak = max([v for _, v in items] + [1])
    body = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        w = (width - label_w - 60) * value / peak
        short = label if len(label) <= 22 else label[:21] + "…"
        body.append(f'<text x="{label_w - 8}" y="{y + 15}" class="label">{escape(short)}</text>'
                    f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="16" fill="{PALETTE[3]}">'
                    f'<title>{escape(label)} {value}</title></rect>'
                    f'<text x="{label_w + w + 6:.1f}" y="{y + 15}" class="value-left">{value}</text>')
    if not items:
        body.append('<text x="10" y="20" class="label-left">暂无数据</text>')
    return _svg(width, height, body, title)
