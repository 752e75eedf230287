"""Every object URL across two students: the other's objects are a 404, never a 403 or a leak."""

import pytest
from django.urls import reverse

from quizzes.models import Block, Item
from quizzes.services import block_finish, item_answer
from tests.conftest import correct_letter, make_block

pytestmark = [pytest.mark.security, pytest.mark.django_db]


@pytest.fixture
def blocks_of_bob(other_student, bank):
    open_timed = make_block(other_student, bank[:2], mode=Block.Mode.TIMED)
    tutor = make_block(other_student, bank[2:4], mode=Block.Mode.TUTOR)
    item_answer(block=tutor, position=1, letter=correct_letter(bank[2]))
    finished = make_block(other_student, bank[4:6], mode=Block.Mode.TIMED)
    item_answer(block=finished, position=1, letter=correct_letter(bank[4]))
    block_finish(block=finished)
    return [open_timed, tutor, finished]


def object_requests(block):
    base = f"/quizzes/{block.pk}"
    return [
        ("get", f"{base}/", {}),
        ("get", f"{base}/q/1/", {}),
        ("post", f"{base}/q/1/", {"choice": "A"}),
        ("post", f"{base}/q/2/flag/", {}),
        ("post", f"{base}/finish/", {}),
        ("get", f"{base}/review/", {}),
        ("get", f"{base}/review/?show=incorrect", {}),
        ("post", f"{base}/retake/", {"mode": "tutor"}),
    ]


def test_another_students_blocks_items_and_reviews_are_404_and_untouched(student_client, blocks_of_bob):
    before = list(Item.objects.order_by("pk").values_list("chosen_letter", "flagged"))
    for block in blocks_of_bob:
        for method, url, data in object_requests(block):
            response = getattr(student_client, method)(url, data)
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Bob" not in response.text
    assert list(Item.objects.order_by("pk").values_list("chosen_letter", "flagged")) == before
    assert Block.objects.filter(finished_at__isnull=False).count() == 1
    assert Block.objects.count() == 3  # no retake was created


def test_the_owner_reaches_the_same_urls(client, other_student, blocks_of_bob):
    client.force_login(other_student)
    for block in blocks_of_bob:
        assert client.get(f"/quizzes/{block.pk}/q/1/").status_code in (200, 302)
        assert client.get(f"/quizzes/{block.pk}/").status_code == 302


def test_my_blocks_and_stats_show_only_my_own(student_client, blocks_of_bob):
    listing = student_client.get("/quizzes/").text
    for block in blocks_of_bob:
        assert f"/quizzes/{block.pk}/" not in listing
    assert student_client.get("/stats/").context["performance"].answered == 0


def test_profile_is_always_the_signed_in_students_own(student_client, student, other_student):
    text = student_client.get("/accounts/profile/").text
    assert student.username in text or student.display_name in text
    assert other_student.email not in text


def test_staff_pages_refuse_students(student_client, bank):
    admin_index = reverse("admin:index")
    for url in [
        admin_index,
        f"{admin_index}quizzes/question/",
        f"{admin_index}quizzes/question/{bank[0].pk}/change/",
        f"{admin_index}quizzes/question/{bank[0].pk}/preview/",
        f"{admin_index}accounts/user/",
    ]:
        response = student_client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{admin_index}login/")


def test_the_admin_lives_at_the_configured_path(settings):
    from django.urls import clear_url_caches, set_urlconf

    assert reverse("admin:index") == f"/{settings.ADMIN_URL}"
    assert settings.ADMIN_URL.endswith("/") and not settings.ADMIN_URL.startswith("/")
    clear_url_caches()
    set_urlconf(None)
