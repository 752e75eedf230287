"""The item analysis page's filters and sort, read from the query string (validation only)."""

from __future__ import annotations

from django import forms

from faculty.models import FLAGS
from faculty.selectors import DEFAULT_SORT, SORTS, ItemAnalysisFilters
from quizzes.models import Question, Subject, System

SORT_CHOICES = [(name, name) for name in SORTS] + [(f"-{name}", f"-{name}") for name in SORTS]


class ItemAnalysisFilterForm(forms.Form):
    subject = forms.ChoiceField(required=False)
    system = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Question.Status.choices])
    flag = forms.ChoiceField(required=False, choices=[("", "Any flag or none"), *[(f, f) for f in FLAGS]])
    o = forms.ChoiceField(required=False, choices=SORT_CHOICES, label="Sort")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].choices = [("", "All subjects"), *Subject.objects.values_list("slug", "name")]
        self.fields["system"].choices = [("", "All systems"), *System.objects.values_list("slug", "name")]

    def filters(self) -> ItemAnalysisFilters:
        data = self.cleaned_data
        return ItemAnalysisFilters(
            subject=data["subject"],
            system=data["system"],
            status=data["status"],
            flag=data["flag"],
            sort=data["o"] or DEFAULT_SORT,
        )
