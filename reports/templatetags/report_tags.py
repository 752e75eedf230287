from django import template

from reports.models import ProblemReport

register = template.Library()


@register.simple_tag
def report_kinds() -> list[tuple[str, str]]:
    """The kinds of problem a student can report, for the form's radio buttons."""
    return ProblemReport.Kind.choices
