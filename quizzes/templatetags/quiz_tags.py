from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from quizzes.images import choice_text_html

register = template.Library()


@register.filter
def choice_html(text: str, mode: str = "") -> SafeString:
    """A choice's text, escaped, with `![alt](image:KEY)` shown as the image; "label" leaves out the zoom
    link (inside a choice's label a click picks the choice)."""
    if "image:" not in text:
        return escape(text)
    return mark_safe(choice_text_html(text, zoom=mode != "label"))  # noqa: S308 - every part escaped there


@register.filter
def percent_for(shares, letter: str) -> int:
    """{{ shares|percent_for:choice.letter }}: the share of first attempts that chose this letter."""
    return shares.percent(letter) if shares else 0


@register.filter
def duration(milliseconds: int | None) -> str:
    """1 h 02 min, 3 min 05 s or 42 s."""
    seconds = round((milliseconds or 0) / 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


def _cell(base: str, position: int, answered: bool, flagged: bool, current: bool, oob: bool = False) -> str:
    # Built with an f-string, not format_html: every value is an int or one of
    # these constants (`base` is escaped by the caller), and 40 format_html
    # calls a page cost a millisecond of CPU on the busiest page.
    classes = "nav-cell" + (" is-answered" if answered else "") + (" is-flagged" if flagged else "")
    classes += " is-current" if current else ""
    label = f"Item {position}, {'answered' if answered else 'unanswered'}" + (", flagged" if flagged else "")
    extra = (' aria-current="step"' if current else "") + (' hx-swap-oob="true"' if oob else "")
    return (
        f'<a href="{base}{int(position)}/" id="nav-cell-{int(position)}" class="{classes}"{extra}'
        f' aria-label="{label}">{int(position)}</a>'
    )


def _cells_base(block_id: int) -> str:
    return escape(reverse("block_resume", args=[block_id]) + "q/")


@register.simple_tag
def navigator_cells(block_id: int, cells, current: int) -> SafeString:
    """The navigator's links, built in Python: 40 cells through the template engine cost milliseconds."""
    base = _cells_base(block_id)
    return mark_safe(  # noqa: S308 - built from ints and constants only, see _cell
        "\n".join(
            f"<li>{_cell(base, c.position, c.answered, c.flagged, c.position == current)}</li>" for c in cells
        )
    )


@register.simple_tag
def navigator_cell_oob(block_id: int, item) -> SafeString:
    """One cell, swapped out of band after a flag toggle."""
    return mark_safe(  # noqa: S308 - built from ints and constants only, see _cell
        _cell(_cells_base(block_id), item.position, item.is_answered, item.flagged, True, oob=True)
    )


@register.filter
def seconds_clock(seconds: int | None) -> str:
    """12:05 (minutes:seconds), 1:02:05 past an hour: a block clock."""
    seconds = max(0, int(seconds or 0))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@register.simple_tag
def local_time(moment, style: str = "datetime") -> SafeString:
    """A <time> in UTC that site.js shows in the browser's own time zone (UTC text without scripts)."""
    if moment is None:
        return mark_safe("")
    text = moment.strftime("%H:%M UTC") if style == "time" else moment.strftime("%-d %b %Y, %H:%M UTC")
    return format_html('<time datetime="{}" data-local="{}">{}</time>', moment.isoformat(), style, text)


@register.filter
def block_seconds_left(block) -> int:
    from quizzes.lifecycle import block_seconds_left as seconds_left

    return seconds_left(block) or 0
