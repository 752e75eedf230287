import re
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django_redis import get_redis_connection

from accounts.models import Cohort
from quizzes.services.history import Attempt, attempts_finalize
from tests.conftest import correct_letter, make_question, make_user, wrong_letter

pytestmark = pytest.mark.django_db

URL = "/leaderboard/"
NOW = datetime.now(UTC)


def give(user, questions, pattern, *, at=None):
    """Record first attempts: pattern has 'c' (correct) or 'w' (wrong) per question."""
    at = at or NOW - timedelta(hours=1)
    attempts = [
        Attempt(
            q.pk,
            correct_letter(q) if mark == "c" else wrong_letter(q),
            mark == "c",
            at + timedelta(minutes=i),
        )
        for i, (q, mark) in enumerate(zip(questions, pattern, strict=True))
    ]
    attempts_finalize(user=user, attempts=attempts)


def ranks(response):
    return [
        (int(rank), name)
        for rank, name in re.findall(
            r'<tr data-user="\d+"[^>]*>\s*<td class="num">(\d+)</td>\s*<td>([^<]*)</td>', response.text
        )
    ]


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def questions(db):
    return [make_question(subject="Pathology" if n < 6 else "Pharmacology") for n in range(10)]


def test_ties_break_by_accuracy_then_who_got_there_first(questions):
    ann, ben, cat, dan = (make_user(name, display_name=name.title()) for name in ("ann", "ben", "cat", "dan"))
    give(ann, questions[:3], "ccc", at=NOW - timedelta(hours=3))  # 3 of 3
    give(ben, questions[:4], "cccw", at=NOW - timedelta(hours=5))  # 3 of 4: less accurate
    give(cat, questions[:3], "ccc", at=NOW - timedelta(hours=1))  # 3 of 3 but later than ann
    give(dan, questions[:5], "ccccc", at=NOW - timedelta(hours=1))  # 5
    assert ranks(logged_in(ann).get(URL)) == [(1, "Dan"), (2, "Ann"), (3, "Cat"), (4, "Ben")]


def test_each_student_sees_only_their_own_highlight(questions):
    ann, ben = make_user("ann", display_name="Ann"), make_user("ben", display_name="Ben")
    give(ann, questions[:3], "ccc")
    give(ben, questions[:3], "ccw")
    ann_page = logged_in(ann).get(URL).text
    ben_page = logged_in(ben).get(URL).text  # served from the same cached rows
    assert f'<tr data-user="{ann.pk}" class="is-me"' in ann_page
    assert f'<tr data-user="{ben.pk}" class="is-me"' not in ann_page
    assert f'<tr data-user="{ben.pk}" class="is-me"' in ben_page
    assert f'<tr data-user="{ann.pk}" class="is-me"' not in ben_page
    assert ann_page.count('class="is-me"') == 1 and ben_page.count('class="is-me"') == 1


def test_hidden_students_are_absent_but_see_their_own_rank(questions):
    shy = make_user("shy", display_name="Shy", show_on_leaderboard=False)
    bold = make_user("bold", display_name="Bold")
    give(shy, questions[:5], "ccccc")
    give(bold, questions[:2], "cc")
    bold_page = logged_in(bold).get(URL)
    assert ranks(bold_page) == [(1, "Bold")]
    assert "Shy" not in bold_page.text
    shy_page = logged_in(shy).get(URL)
    assert "Shy" not in re.sub(
        r'<section class="card my-position".*?</section>', "", shy_page.text, flags=re.S
    )
    assert "You are <strong>#1</strong> of 2" in shy_page.text
    assert "hidden from public boards" in shy_page.text


def test_hiding_and_unhiding_from_the_profile_moves_the_student(questions):
    ann = make_user("ann", display_name="Ann")
    give(ann, questions[:2], "cc")
    client = logged_in(ann)
    client.post("/accounts/profile/", {"display_name": "Ann"})  # unticked: hide
    viewer = logged_in(make_user("viewer"))
    assert "Ann" not in viewer.get(URL).text
    client.post("/accounts/profile/", {"display_name": "Ann", "show_on_leaderboard": "on"})
    from django.core.cache import cache

    cache.clear()  # the shared rows are cached for a few seconds
    assert ranks(viewer.get(URL)) == [(1, "Ann")]


def test_cohort_subject_and_weekly_boards(questions):
    alpha = Cohort.objects.create(name="Alpha", slug="alpha")
    beta = Cohort.objects.create(name="Beta", slug="beta")
    ann = make_user("ann", display_name="Ann", cohort=alpha)
    ben = make_user("ben", display_name="Ben", cohort=beta)
    give(ann, questions[:4], "cccc", at=NOW - timedelta(days=30))  # Pathology, a month ago
    give(ann, questions[6:7], "w")  # Pharmacology, now
    give(ben, questions[6:9], "ccc")  # Pharmacology, now
    client = logged_in(ann)
    assert ranks(client.get(URL)) == [(1, "Ann"), (2, "Ben")]
    assert ranks(client.get(URL + "?period=week")) == [(1, "Ben"), (2, "Ann")]
    assert ranks(client.get(URL + "?subject=pathology")) == [(1, "Ann")]
    assert ranks(client.get(URL + "?subject=pharmacology")) == [(1, "Ben"), (2, "Ann")]
    assert ranks(client.get(URL + "?cohort=beta")) == [(1, "Ben")]
    assert ranks(client.get(URL + "?cohort=alpha&period=week")) == [(1, "Ann")]
    page = client.get(URL + "?cohort=beta").text
    assert "You are not on this board yet" in page


def test_pages_of_fifty_with_my_row_pinned_and_a_jump_link(questions, django_assert_max_num_queries):
    students = [make_user(f"s{n:03d}", display_name=f"S{n:03d}") for n in range(120)]
    for n, student in enumerate(students):
        give(student, questions[: 1 + n % 10], "c" * (1 + n % 10), at=NOW - timedelta(minutes=500 - n))
    me = students[0]  # score 1: near the bottom
    client = logged_in(me)
    client.get("/leaderboard/rows/")  # the first board request after a Redis flush rebuilds the mirror
    with django_assert_max_num_queries(10):
        first = client.get(URL)
    assert len(ranks(first)) == 50
    assert "Page 1 of 3" in first.text
    assert "Jump to my position" in first.text
    assert 'class="is-me" id="me"' in first.text  # pinned above the list
    mine = client.get(URL + "?page=me")
    position = mine.context["position"]
    assert mine.context["shared"].number == position.page == 3
    assert f'<tr data-user="{me.pk}" class="is-me"' in mine.text
    assert position.better_than_percent == 0 or position.rank > 100
    with django_assert_max_num_queries(10):
        assert client.get(URL + "?page=3").status_code == 200
    assert client.get(URL + "?page=999").context["shared"].number == 3
    assert client.get(URL + "?page=-4").context["shared"].number == 1


def test_ranks_stay_exact_when_redis_is_emptied(questions):
    students = [make_user(f"r{n}", display_name=f"R{n}") for n in range(5)]
    for n, student in enumerate(students):
        give(student, questions[: n + 1], "c" * (n + 1))
    client = logged_in(students[1])
    before = ranks(client.get(URL))
    position_before = client.get(URL).context["position"].rank
    get_redis_connection("default").flushdb()
    after = client.get(URL)
    assert ranks(after) == before
    assert after.context["position"].rank == position_before == 4
    # the mirror was rebuilt by that request
    redis = get_redis_connection("default")
    from leaderboard import sorted_sets

    assert redis.exists(sorted_sets.ready_key())
    assert redis.zcard(sorted_sets.board_key("all")) == 5


def test_boards_render_from_postgresql_when_redis_is_down(questions, settings):
    from leaderboard import sorted_sets

    ann, ben = make_user("ann", display_name="Ann"), make_user("ben", display_name="Ben")
    give(ann, questions[:2], "cc")
    give(ben, questions[:3], "ccc")
    sorted_sets.trip()  # as after a failed Redis call: Redis is skipped for a while
    response = logged_in(ann).get(URL + "?period=week")
    assert ranks(response) == [(1, "Ben"), (2, "Ann")]
    assert response.context["position"].rank == 2


def test_live_rows_fragment_is_the_cached_rows_only(questions):
    ann = make_user("ann", display_name="Ann")
    give(ann, questions[:1], "c")
    client = logged_in(ann)
    page = client.get(URL)
    assert 'hx-trigger="every 20s"' in page.text
    fragment = client.get("/leaderboard/rows/?period=all&page=1")
    assert fragment.status_code == 200
    assert f'<tr data-user="{ann.pk}" class="is-me"' in fragment.text
    assert "<html" not in fragment.text and "my-position" not in fragment.text


@pytest.mark.parametrize("query", ["?period=month", "?subject=astrology", "?cohort=nowhere"])
def test_unknown_filters_are_400_with_a_message(student_client, query):
    response = student_client.get(URL + query)
    assert response.status_code == 400
    assert 'role="alert"' in response.text
    assert student_client.get("/leaderboard/rows/" + query).status_code == 400


def test_anonymous_and_wrong_method(student_client):
    assert Client().get(URL)["Location"].startswith("/accounts/login/")
    assert student_client.post(URL).status_code == 405


def test_stats_show_a_percentile_only_once_ten_students_are_ranked(questions):
    ann, ben, cat = (make_user(n) for n in ("ann", "ben", "cat"))
    give(ann, questions[:3], "ccc")
    give(ben, questions[:2], "cc")
    give(cat, questions[:1], "c")
    response = logged_in(ben).get("/stats/")
    assert "#2" in response.text and "of 3" in response.text
    assert "better than" not in response.text  # "better than 50 %" of three students says nothing
    for n in range(8):
        give(make_user(f"late{n}"), questions[:1], "w")
    response = logged_in(ben).get("/stats/")
    assert "better than 90% of students" in response.text  # 9 of the 10 others are below


def test_this_week_with_a_subject_says_it_shows_all_time_and_the_menu_agrees(student_client, questions):
    from quizzes.models import Subject

    subject = Subject.objects.first()
    response = student_client.get(URL, {"period": "week", "subject": subject.slug})
    assert response.status_code == 200
    assert "Subject boards are all time" in response.text
    assert '<option value="week" selected>' not in response.text
    assert '<option value="all" selected>' in response.text
