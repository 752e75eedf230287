"""The exam screen's server side: suspend and resume, highlights and strike-outs, block names,
display settings, the review table and the dashboard's Resume."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import User
from quizzes import lifecycle
from quizzes.models import Block, Item, UserQuestion
from quizzes.services import block_default_name, block_finish, block_unsuspend
from tests.conftest import correct_letter, make_block, make_question, make_user, wrong_letter

pytestmark = pytest.mark.django_db


def item_url(block, position, suffix=""):
    return f"/quizzes/{block.pk}/q/{position}/{suffix}"


@pytest.fixture
def timed_block(student, bank):
    return make_block(student, bank[:3], mode=Block.Mode.TIMED)


@pytest.fixture
def tutor_block(student, bank):
    return make_block(student, bank[:3], mode=Block.Mode.TUTOR)


# --- Suspend and resume ---------------------------------------------------------------------


def test_suspending_stops_the_clock_and_hides_the_questions(student_client, timed_block, bank):
    response = student_client.post(f"/quizzes/{timed_block.pk}/suspend/", {"position": "1"})
    assert response.status_code == 303 and response["Location"] == "/quizzes/"
    timed_block.refresh_from_db()
    assert timed_block.is_suspended and timed_block.suspend_count == 1
    left = lifecycle.block_seconds_left(timed_block)
    # The clock stands still: an hour later the same time is left.
    later = timezone.now() + timedelta(hours=1)
    assert lifecycle.block_seconds_left(timed_block, now=later) == left
    assert not lifecycle.block_is_expired(timed_block, now=timezone.now() + timedelta(days=2))

    page = student_client.get(item_url(timed_block, 2))
    assert page.status_code == 200
    assert "Block suspended" in page.text and "Resume the block" in page.text
    assert bank[1].stem not in page.text and bank[1].lead_in not in page.text
    assert bank[1].explanation not in page.text


def test_an_answer_while_suspended_is_refused_and_changes_nothing(student_client, timed_block, bank):
    student_client.post(f"/quizzes/{timed_block.pk}/suspend/")
    response = student_client.post(
        item_url(timed_block, 1), {"choice": "A", "autosave": "1"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 409
    assert response.json()["status"] == "suspended" and "resume" in response.json()["error"]
    assert Item.objects.get(block=timed_block, position=1).chosen_letter == ""


def test_suspend_carries_the_choice_on_screen(student_client, timed_block, bank):
    student_client.post(f"/quizzes/{timed_block.pk}/suspend/", {"position": "2", "choice": "C"})
    assert Item.objects.get(block=timed_block, position=2).chosen_letter == "C"
    timed_block.refresh_from_db()
    assert timed_block.is_suspended


def test_resuming_the_next_day_starts_the_clock_where_it_stopped(student_client, timed_block):
    student_client.post(f"/quizzes/{timed_block.pk}/suspend/")
    timed_block.refresh_from_db()
    left = lifecycle.block_seconds_left(timed_block)
    # A day passes: the deadline itself is long gone, but the clock did not run.
    day = timedelta(days=1)
    Block.objects.filter(pk=timed_block.pk).update(
        suspended_at=timed_block.suspended_at - day, deadline=timed_block.deadline - day
    )
    assert student_client.get("/quizzes/").status_code == 200  # listing never finishes a suspended block
    timed_block.refresh_from_db()
    assert not timed_block.is_finished

    response = student_client.post(f"/quizzes/{timed_block.pk}/unsuspend/", {"position": "2"})
    assert response.status_code == 303 and response["Location"] == item_url(timed_block, 2)
    timed_block.refresh_from_db()
    assert not timed_block.is_suspended
    assert abs(lifecycle.block_seconds_left(timed_block) - left) <= 2
    assert timed_block.suspended_seconds >= day.total_seconds()
    page = student_client.get(item_url(timed_block, 2))
    assert page.status_code == 200 and 'id="answer-form"' in page.text
    assert student_client.post(item_url(timed_block, 2), {"choice": "B"}).status_code == 303
    assert Item.objects.get(block=timed_block, position=2).chosen_letter == "B"


def test_the_key_stays_hidden_while_suspended_and_after_resuming(student_client, timed_block, bank):
    student_client.post(item_url(timed_block, 1), {"choice": correct_letter(bank[0])})
    student_client.post(f"/quizzes/{timed_block.pk}/suspend/")
    for url in (
        item_url(timed_block, 1),
        f"/quizzes/{timed_block.pk}/review/",
        f"/quizzes/{timed_block.pk}/",
    ):
        response = student_client.get(url, follow=True)
        assert bank[0].explanation not in response.text
        assert "correct answer" not in response.text.lower()
    student_client.post(f"/quizzes/{timed_block.pk}/unsuspend/")
    assert bank[0].explanation not in student_client.get(item_url(timed_block, 1)).text


def test_tutor_blocks_have_no_clock_to_suspend(student_client, tutor_block):
    response = student_client.post(f"/quizzes/{tutor_block.pk}/suspend/", follow=True)
    assert "Tutor blocks have no clock" in response.text
    tutor_block.refresh_from_db()
    assert not tutor_block.is_suspended


def test_a_block_past_its_clock_cannot_be_suspended_to_save_it(student_client, timed_block):
    Block.objects.filter(pk=timed_block.pk).update(deadline=timezone.now() - timedelta(minutes=1))
    response = student_client.post(f"/quizzes/{timed_block.pk}/suspend/")
    assert response["Location"] == f"/quizzes/{timed_block.pk}/review/"
    timed_block.refresh_from_db()
    assert timed_block.is_finished and not timed_block.is_suspended


def test_ending_a_suspended_block_spends_its_items_and_counts_no_pause_as_time(student_client, timed_block):
    student_client.post(f"/quizzes/{timed_block.pk}/suspend/")
    Block.objects.filter(pk=timed_block.pk).update(suspended_at=timezone.now() - timedelta(hours=3))
    student_client.post(f"/quizzes/{timed_block.pk}/finish/")
    timed_block.refresh_from_db()
    assert timed_block.is_finished and timed_block.suspended_at is None
    assert timed_block.suspended_seconds >= 3 * 3600
    assert Item.objects.filter(block=timed_block, omitted=True).count() == 3
    review = student_client.get(f"/quizzes/{timed_block.pk}/review/").text
    assert "suspended 1 time" in review
    assert re.search(r"time used \d+ s\b", review)  # not three hours


def test_another_students_block_cannot_be_suspended_resumed_or_renamed(client, timed_block, other_student):
    client.force_login(other_student)
    for suffix in ("suspend/", "unsuspend/", "rename/", "q/1/marks/"):
        assert client.post(f"/quizzes/{timed_block.pk}/{suffix}", {"name": "mine"}).status_code == 404
    timed_block.refresh_from_db()
    assert not timed_block.is_suspended and timed_block.name != "mine"


def test_resume_is_a_no_op_on_a_running_block(timed_block):
    deadline = timed_block.deadline
    assert block_unsuspend(block=timed_block).deadline == deadline


# --- Highlights and strike-outs ---------------------------------------------------------------


def test_marks_are_stored_merged_and_shown_again(student_client, timed_block):
    response = student_client.post(
        item_url(timed_block, 1, "marks/"),
        {"highlights": json.dumps([[10, 20], [15, 30], [40, 45], [50, 50]]), "struck": "cA"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json() == {"highlights": [[10, 30], [40, 45]], "struck": "AC"}
    item = Item.objects.get(block=timed_block, position=1)
    assert item.highlights == [[10, 30], [40, 45]] and item.struck == "AC"
    page = student_client.get(item_url(timed_block, 1)).text
    assert 'data-struck="AC"' in page and 'data-highlights="[[10, 30], [40, 45]]"' in page
    # Only what is sent changes: strike-outs alone leave the highlights.
    student_client.post(item_url(timed_block, 1, "marks/"), {"struck": ""})
    item.refresh_from_db()
    assert item.highlights == [[10, 30], [40, 45]] and item.struck == ""


@pytest.mark.parametrize(
    "fields",
    [
        {"highlights": "not json"},
        {"highlights": json.dumps({"a": 1})},
        {"highlights": json.dumps([[1, 2, 3]])},
        {"highlights": json.dumps([["1", 2]])},
        {"highlights": json.dumps([[1.5, 2]])},
        {"highlights": json.dumps([[-1, 2]])},
        {"highlights": json.dumps([[1, 10**9]])},
        {"highlights": json.dumps([[True, 2]])},
        {"highlights": json.dumps([[i, i + 1] for i in range(0, 1000, 2)])},
        {"struck": "XYZ"},
        {"struck": "ABCDEFA"},
        {"struck": "<b>"},
    ],
)
def test_bad_marks_are_a_400_and_change_nothing(student_client, timed_block, fields):
    response = student_client.post(item_url(timed_block, 1, "marks/"), fields, HTTP_ACCEPT="application/json")
    assert response.status_code == 400 and response.json()["error"]
    item = Item.objects.get(block=timed_block, position=1)
    assert item.highlights == [] and item.struck == ""


def test_marks_outside_the_block_are_404_and_a_get_is_405(student_client, timed_block):
    assert student_client.post(item_url(timed_block, 9, "marks/"), {"struck": "A"}).status_code == 404
    assert student_client.get(item_url(timed_block, 1, "marks/")).status_code == 405


def test_marks_can_change_after_the_block_and_show_in_the_review(student_client, timed_block, bank):
    student_client.post(item_url(timed_block, 1, "marks/"), {"struck": "D", "highlights": "[[0, 5]]"})
    block_finish(block=timed_block)
    review = student_client.get(f"/quizzes/{timed_block.pk}/review/").text
    assert 'data-highlights="[[0, 5]]"' in review
    assert re.search(r'class="choice[^"]*is-struck[^"]*" data-letter="D"', review)
    assert "(you struck this out)" in review


# --- Block names, discarding, the dashboard ------------------------------------------------------


def test_a_block_is_named_from_its_filters(student, bank):
    assert block_default_name(pool="all", subject_slugs=[], system_slugs=[]) == "All subjects"
    assert (
        block_default_name(pool="incorrect", subject_slugs=["pathology"], system_slugs=["renal"])
        == "Incorrect \u00b7 Pathology, Renal"
    )
    many = block_default_name(
        pool="all",
        subject_slugs=["pathology", "pharmacology"],
        system_slugs=["renal", "nervous", "cardiovascular"],
    )
    assert many.endswith("+2 more")


def test_create_test_names_the_block_and_the_student_can_rename_it(student_client, bank):
    student_client.post("/quizzes/new/", {"size": "2", "mode": "timed", "pool": "all", "systems": ["renal"]})
    block = Block.objects.get()
    assert block.name == "Renal"
    response = student_client.post(f"/quizzes/{block.pk}/rename/", {"name": "  Friday   renal  "})
    assert response.status_code == 303
    block.refresh_from_db()
    assert block.name == "Friday renal"
    assert "Friday renal" in student_client.get("/quizzes/").text
    student_client.post(f"/quizzes/{block.pk}/rename/", {"name": ""})
    block.refresh_from_db()
    assert block.name == "Renal"
    assert student_client.post(f"/quizzes/{block.pk}/rename/", {"name": "x" * 500}).status_code == 400


def test_names_are_escaped_wherever_they_show(student_client, timed_block):
    student_client.post(f"/quizzes/{timed_block.pk}/rename/", {"name": "<script>alert(1)</script>"})
    for url in ("/", "/quizzes/", item_url(timed_block, 1)):
        text = student_client.get(url).text
        assert "<script>alert(1)</script>" not in text and "&lt;script&gt;" in text


def test_the_dashboard_offers_resume_for_unfinished_blocks(student_client, timed_block, student, bank):
    text = student_client.get("/").text
    assert "Pick up where you left off" in text and f"/quizzes/{timed_block.pk}/" in text
    block_finish(block=timed_block)
    assert "Pick up where you left off" not in student_client.get("/").text


def test_discarding_an_unfinished_block_spends_its_unanswered_items(
    student_client, tutor_block, bank, student
):
    student_client.post(item_url(tutor_block, 1), {"choice": correct_letter(bank[0])})
    page = student_client.get("/quizzes/").text
    assert "Discard" in page
    student_client.post(f"/quizzes/{tutor_block.pk}/finish/")
    tutor_block.refresh_from_db()
    assert tutor_block.is_finished and tutor_block.correct_count == 1
    assert UserQuestion.objects.filter(user=student, first_omitted=True).count() == 2


def test_my_blocks_and_the_dashboard_write_times_for_the_browser(student_client, timed_block):
    text = student_client.get("/quizzes/").text
    assert re.search(
        r'<time datetime="[0-9T:.+-]+" data-local="datetime">\d+ \w+ \d{4}, \d\d:\d\d UTC</time>', text
    )
    student_client.post(f"/quizzes/{timed_block.pk}/suspend/")
    assert "suspended," in student_client.get("/quizzes/").text


def test_my_blocks_query_count_does_not_grow_with_blocks(
    student_client, student, django_assert_max_num_queries
):
    questions = [make_question() for _ in range(12)]
    for index in range(6):
        block = make_block(student, questions[2 * index : 2 * index + 2], mode=Block.Mode.TIMED)
        if index % 2:
            block_finish(block=block)
    with django_assert_max_num_queries(8):
        assert student_client.get("/quizzes/").status_code == 200
    with django_assert_max_num_queries(8):
        assert student_client.get("/").status_code == 200


# --- Display settings ------------------------------------------------------------------------


def test_display_settings_apply_on_every_page_from_the_server(student_client, student):
    response = student_client.post(
        "/accounts/display/",
        {"theme": "dark", "font_size": "larger", "high_contrast": "on", "next": "/stats/"},
    )
    assert response.status_code == 303 and response["Location"] == "/stats/"
    student.refresh_from_db()
    assert (student.theme, student.font_size, student.high_contrast) == ("dark", "larger", True)
    for url in ("/", "/stats/", "/quizzes/", "/leaderboard/"):
        text = student_client.get(url).text
        assert '<html lang="en" data-theme="dark" data-font="larger" data-contrast="high">' in text
        assert '<meta name="color-scheme" content="dark">' in text


def test_display_settings_json_reply_and_bad_values(student_client, student):
    ok = student_client.post(
        "/accounts/display/", {"theme": "light", "font_size": "large"}, HTTP_ACCEPT="application/json"
    )
    assert ok.status_code == 200 and ok.json()["theme"] == "light"
    bad = student_client.post(
        "/accounts/display/", {"theme": "neon", "font_size": "huge"}, HTTP_ACCEPT="application/json"
    )
    assert bad.status_code == 400
    assert student_client.post("/accounts/display/", {"theme": "neon"}).status_code == 400
    student.refresh_from_db()
    assert student.theme == "light"


def test_display_settings_never_redirect_off_site(student_client):
    response = student_client.post(
        "/accounts/display/", {"theme": "dark", "font_size": "normal", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/accounts/profile/"


def test_visitors_get_the_device_theme(client, db):
    assert 'data-theme="auto"' in client.get("/accounts/login/").text
    assert client.post("/accounts/display/", {"theme": "dark"}).status_code == 302  # to the login page


# --- The review: a table first --------------------------------------------------------------------


def test_the_review_opens_as_a_table_with_jump_links(student_client, timed_block, bank):
    student_client.post(item_url(timed_block, 1), {"choice": correct_letter(bank[0])})
    student_client.post(item_url(timed_block, 2), {"choice": wrong_letter(bank[1])})
    student_client.post(item_url(timed_block, 2, "flag/"))
    block_finish(block=timed_block)
    text = student_client.get(f"/quizzes/{timed_block.pk}/review/").text
    table = text[
        text.index('<table class="review-table">') : text.index("</table>", text.index("review-table"))
    ]
    assert table.count("<tr class=") == 3
    for position, question in enumerate(bank[:3], start=1):
        assert f'href="#item-{position}"' in table and question.external_id in table
        assert f'<details class="card review-item" id="item-{position}"' in text
    assert "✓ correct" in table and "✗ incorrect" in table and "– omitted" in table
    assert "too few yet" in table  # fewer than 10 students: no peer share
    assert "All (3)" in text and "Flagged (1)" in text and "Omitted (1)" in text


def test_the_review_filters_narrow_table_and_items(student_client, timed_block, bank):
    student_client.post(item_url(timed_block, 1), {"choice": correct_letter(bank[0])})
    block_finish(block=timed_block)
    text = student_client.get(f"/quizzes/{timed_block.pk}/review/?show=incorrect").text
    assert 'id="item-1"' not in text and 'id="item-2"' in text and 'id="item-3"' in text
    assert "(2 shown)" in text


def test_the_review_peer_share_of_correct_shows_from_ten_students(client, bank):
    question = bank[0]
    for number in range(10):
        other = make_user(f"peer{number}")
        block = make_block(other, [question])
        letter = correct_letter(question) if number < 7 else wrong_letter(question)
        client.force_login(other)
        client.post(item_url(block, 1), {"choice": letter})
    me = make_user("me")
    mine = make_block(me, [question], mode=Block.Mode.TIMED)
    block_finish(block=mine)
    client.force_login(me)
    text = client.get(f"/quizzes/{mine.pk}/review/").text
    # 7 of the 10 earlier first attempts were right; my omitted attempt is not an answer.
    assert '70% <span class="help">of 10</span>' in text


def test_the_review_query_count_is_flat(student_client, student, django_assert_max_num_queries):
    questions = [make_question() for _ in range(20)]
    block = make_block(student, questions, mode=Block.Mode.TIMED)
    block_finish(block=block)
    with django_assert_max_num_queries(14):
        assert student_client.get(f"/quizzes/{block.pk}/review/").status_code == 200


# --- The exam screen -------------------------------------------------------------------------------


def test_inside_a_block_the_exam_bar_replaces_the_site_navigation(student_client, timed_block, bank):
    text = student_client.get(item_url(timed_block, 2)).text
    assert 'aria-label="Main"' not in text  # the site navigation
    assert '<h1 class="exam-title">Item 2 of 3</h1>' in text
    assert bank[1].external_id in text
    assert 'id="timer"' in text and 'id="item-clock"' in text
    for tool in (
        "Previous",
        "Items",
        "Labs",
        "Calculator",
        "Notes",
        "Highlight",
        "Display",
        "Suspend",
        "End block",
        "Next",
    ):
        assert f'<span class="tool-label">{tool}</span>' in text
    assert "Alt</kbd>+<kbd>N" in text  # the keys are documented on the page
    assert 'data-src="/quizzes/labs/?fragment=1"' in text and 'href="/quizzes/labs/"' in text
    assert 'id="calculator"' in text


def test_a_tutor_block_shows_time_spent_and_no_suspend(student_client, tutor_block):
    text = student_client.get(item_url(tutor_block, 1)).text
    assert "Block time spent" in text and 'id="timer"' not in text
    assert '<span class="tool-label">Suspend</span>' not in text


def test_the_user_row_lookup_on_every_page_stays_one_query(
    student_client, student, django_assert_max_num_queries
):
    # The display attributes come from request.user: no extra query for them.
    with django_assert_max_num_queries(3):
        student_client.get("/stats/reset/")
    assert User.objects.get(pk=student.pk).theme == "auto"


def test_my_blocks_says_how_many_items_were_omitted(student_client, timed_block, bank):
    student_client.post(item_url(timed_block, 1), {"choice": correct_letter(bank[0])})
    block_finish(block=timed_block)
    assert "· 2 omitted" in student_client.get("/quizzes/").text


def test_the_lab_sheet_is_one_shared_cached_fragment_and_a_page(
    client, student_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(0):
        fragment = client.get("/quizzes/labs/?fragment=1")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "public" in fragment["Cache-Control"] and "max-age=86400" in fragment["Cache-Control"]
    for text in (
        "Cerebrospinal fluid",
        "136\u2013146 mEq/L",
        "136\u2013146 mmol/L",
        'id="lab-search"',
        "Hormones",
    ):
        assert text in fragment.text
    page = student_client.get("/quizzes/labs/")
    assert (
        page.status_code == 200 and "<h1>Lab values</h1>" in page.text and "Cerebrospinal fluid" in page.text
    )
    assert "public" not in page.get("Cache-Control", "")  # the signed-in page names the student
    assert client.post("/quizzes/labs/").status_code == 405
