from django import template

register = template.Library()


@register.filter
def percent_for(shares: dict, letter: str) -> int:
    """{{ shares|percent_for:choice.letter }}: the share of first attempts that chose this letter."""
    return shares.get(letter, 0) if shares else 0


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
