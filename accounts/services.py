from django.db import transaction

from accounts.models import Cohort, User
from accounts.names import name_skeleton
from leaderboard.services import score_student_changed
from usmle_quiz import metrics


@transaction.atomic
def user_create(*, username: str, email: str, password: str, cohort: Cohort | None = None) -> User:
    user = User(username=username, email=email, cohort=cohort)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.name_skeleton = name_skeleton(user.public_name)
    user.save()
    metrics.signup_counted()
    return user


@transaction.atomic
def user_profile_update(
    *,
    user: User,
    display_name: str,
    cohort: Cohort | None,
    graduation_year: int | None,
    show_on_leaderboard: bool,
    keyboard_shortcuts: bool = True,
) -> User:
    # The stored values, not the instance's: a bound ModelForm has already changed those.
    # The row lock makes an answer being scored meanwhile wait (leaderboard.services.standing_lock).
    old_cohort_id, old_visible = (
        User.objects.select_for_update()
        .filter(pk=user.pk)
        .values_list("cohort_id", "show_on_leaderboard")
        .get()
    )
    user.display_name = display_name
    user.cohort = cohort
    user.graduation_year = graduation_year
    user.show_on_leaderboard = show_on_leaderboard
    user.keyboard_shortcuts = keyboard_shortcuts
    user.name_skeleton = name_skeleton(user.public_name)
    user.save(
        update_fields=[
            "display_name",
            "cohort",
            "graduation_year",
            "show_on_leaderboard",
            "keyboard_shortcuts",
            "name_skeleton",
        ]
    )
    score_student_changed(user=user, old_cohort_id=old_cohort_id, old_visible=old_visible)
    return user


@transaction.atomic
def user_save_by_staff(*, user: User) -> User:
    """Save a user edited in the admin; a changed cohort or visibility moves their board entries at once."""
    user.name_skeleton = name_skeleton(user.public_name)
    if user.pk is None:
        user.save()
        return user
    old_cohort_id, old_visible = (
        User.objects.select_for_update()
        .filter(pk=user.pk)
        .values_list("cohort_id", "show_on_leaderboard")
        .get()
    )
    user.save()
    score_student_changed(user=user, old_cohort_id=old_cohort_id, old_visible=old_visible)
    return user


def name_taken(*, name: str, exclude_user_id: int | None = None) -> bool:
    """Whether another student's public name looks like this one."""
    taken = User.objects.filter(name_skeleton=name_skeleton(name))
    if exclude_user_id is not None:
        taken = taken.exclude(pk=exclude_user_id)
    return taken.exists()


def user_display_update(*, user: User, theme: str, font_size: str, high_contrast: bool) -> User:
    """The student's display settings; every page reads them from the user row (no cookie, no flash)."""
    user.theme, user.font_size, user.high_contrast = theme, font_size, high_contrast
    user.save(update_fields=["theme", "font_size", "high_contrast"])
    return user
