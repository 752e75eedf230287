"""Cohort.faculty on the Cohort admin: the staff who teach a cohort, chosen among staff only."""

import pytest

from accounts.models import Cohort
from tests.conftest import ADMIN, make_user

pytestmark = pytest.mark.django_db


def test_the_cohort_form_offers_staff_only_and_saves_the_teachers(admin_client, cohort, staff_user):
    teacher = make_user("teacher", is_staff=True)
    student = make_user("pupil")
    response = admin_client.get(f"{ADMIN}accounts/cohort/{cohort.pk}/change/")
    choices = set(response.context["adminform"].form.fields["faculty"].queryset.values_list("pk", flat=True))
    assert teacher.pk in choices and staff_user.pk in choices and student.pk not in choices
    admin_client.post(
        f"{ADMIN}accounts/cohort/{cohort.pk}/change/",
        {"name": cohort.name, "slug": cohort.slug, "faculty": [teacher.pk]},
    )
    assert list(Cohort.objects.get(pk=cohort.pk).faculty.all()) == [teacher]
    assert list(teacher.teaching_cohorts.all()) == [cohort]
