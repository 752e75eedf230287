"""Small inline SVG line charts, drawn on the server (no script, no inline style: the CSP allows neither).

Each chart is an image with a text alternative that says what a sighted reader gets from it: the lowest,
the highest and the latest value. Gaps (a minute with nothing to show) break the line rather than
dropping it to zero.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import format_html
from django.utils.safestring import SafeString

WIDTH, HEIGHT, PAD = 220, 40, 3


def sparkline(
    *, chart_id: str, label: str, values: Sequence[float | None], show: Callable[[float], str]
) -> SafeString:
    """values: oldest first, the last one being "now"; show: a value as the page writes it."""
    present = [value for value in values if value is not None]
    if present:
        latest = next(value for value in reversed(values) if value is not None)
        text = f"{label}: lowest {show(min(present))}, highest {show(max(present))}, now {show(latest)}"
    else:
        text = f"{label}: nothing to draw yet"
    # From zero, so a flat line at 3 is not drawn as a wild swing between 2.9 and 3.1.
    top = max(present, default=0) or 1
    step = (WIDTH - 2 * PAD) / max(len(values) - 1, 1)
    commands, last_point, pen_down = [], None, False
    for index, value in enumerate(values):
        if value is None:
            pen_down = False
            continue
        x = PAD + index * step
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * value / top
        commands.append(f"{'L' if pen_down else 'M'}{x:.1f} {y:.1f}")
        pen_down, last_point = True, (x, y)
    # format_html escapes its arguments into strings first: numbers are written out before.
    marker = (
        format_html(
            '<circle class="ops-spark-now" cx="{}" cy="{}" r="2"/>', *(f"{c:.1f}" for c in last_point)
        )
        if last_point
        else ""
    )
    path = format_html('<path class="ops-spark-line" d="{}"/>', " ".join(commands)) if commands else ""
    return format_html(
        '<svg class="ops-spark" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img"'
        ' aria-labelledby="{id}" focusable="false"><title id="{id}">{text}</title>'
        '<line class="ops-spark-base" x1="{pad}" y1="{base}" x2="{right}" y2="{base}"/>{path}{marker}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        text=text,
        pad=PAD,
        base=HEIGHT - PAD,
        right=WIDTH - PAD,
        path=path,
        marker=marker,
    )
