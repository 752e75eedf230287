from django import forms

from quizzes.models import Block, Subject, System
from usmle_quiz.ascii_numbers import AsciiIntegerField


class BlockForm(forms.Form):
    """Create Test: size, mode, pool, subjects and systems (none ticked = all)."""

    size = AsciiIntegerField(
        min_value=1,
        max_value=Block.MAX_SIZE,
        initial=20,
        label="Number of questions",
        help_text=f"1 to {Block.MAX_SIZE}.",
    )
    mode = forms.ChoiceField(
        choices=Block.Mode.choices,
        initial=Block.Mode.TUTOR,
        widget=forms.RadioSelect,
        help_text="Tutor: the answer and explanation after each question, untimed. "
        f"Timed: {Block.SECONDS_PER_ITEM} seconds a question, answers shown at the end.",
    )
    pool = forms.ChoiceField(choices=Block.Pool.choices, initial=Block.Pool.ALL, widget=forms.RadioSelect)
    subjects = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    systems = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.subjects_by_slug = {subject.slug: subject for subject in Subject.objects.all()}
        self.systems_by_slug = {system.slug: system for system in System.objects.all()}
        self.fields["subjects"].choices = [(slug, s.name) for slug, s in self.subjects_by_slug.items()]
        self.fields["systems"].choices = [(slug, s.name) for slug, s in self.systems_by_slug.items()]

    @property
    def subject_ids(self) -> list[int]:
        return [self.subjects_by_slug[slug].id for slug in self.cleaned_data.get("subjects", [])]

    @property
    def system_ids(self) -> list[int]:
        return [self.systems_by_slug[slug].id for slug in self.cleaned_data.get("systems", [])]

    def block_create_kwargs(self) -> dict:
        """What block_create needs from a valid form: the page and the API build blocks the same way."""
        return {
            "mode": self.cleaned_data["mode"],
            "pool": self.cleaned_data["pool"],
            "size": self.cleaned_data["size"],
            "subject_ids": self.subject_ids,
            "system_ids": self.system_ids,
            "subject_slugs": self.cleaned_data["subjects"],
            "system_slugs": self.cleaned_data["systems"],
        }


# Create Test's refusal when the filters leave nothing to draw (the page's form error, the API's 400).
NO_QUESTIONS_MATCH = (
    "No questions match this pool, subject and system choice. Tick more boxes or choose another pool."
)


class RetakeForm(forms.Form):
    mode = forms.ChoiceField(choices=Block.Mode.choices, initial=Block.Mode.TUTOR)


class ReviewFilterForm(forms.Form):
    show = forms.ChoiceField(
        choices=[
            ("all", "All"),
            ("incorrect", "Incorrect and omitted"),
            ("omitted", "Omitted"),
            ("flagged", "Flagged"),
        ],
        required=False,
    )
