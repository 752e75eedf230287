import pytest

from quizzes.models import Block, Item, UserQuestion
from tests.conftest import correct_letter, make_block, make_question, wrong_letter

pytestmark = pytest.mark.django_db

URL = "/quizzes/new/"


def build(client, **fields):
    data = {"size": "3", "mode": "tutor", "pool": "all"}
    data.update(fields)
    return client.post(URL, data)


def test_create_test_page_shows_boxes_with_counts(student_client, bank, django_assert_max_num_queries):
    # 10: session and user, expired blocks finished, the boxes, the counts (two grouped queries
    # and the questions held in open blocks), messages...
    with django_assert_max_num_queries(10):
        response = student_client.get(URL)
    assert response.status_code == 200
    text = response.text
    assert 'name="subjects" value="pathology"' in text
    assert 'name="systems" value="renal"' in text
    assert '<span class="count" id="count-system-renal">2</span>' in text
    assert '<span class="count" id="count-subject-pathology">3</span>' in text
    assert "<strong>6</strong> questions match" in text
    for field in ('name="size"', 'name="mode"', 'name="pool"'):
        assert field in text


def test_building_a_block_draws_distinct_published_questions(student_client, student, bank):
    response = build(student_client, size="4", systems=["renal", "nervous"])
    block = Block.objects.get(owner=student)
    assert response.status_code == 302
    assert response["Location"] == f"/quizzes/{block.pk}/"
    items = list(block.items.select_related("question__system"))
    assert [item.position for item in items] == [1, 2, 3, 4]
    assert len({item.question_id for item in items}) == 4
    assert {item.question.system.slug for item in items} <= {"renal", "nervous"}
    assert all(item.question.is_published for item in items)
    assert block.item_count == 4 and block.mode == "tutor" and block.deadline is None
    # drawn questions leave the unused pool
    assert UserQuestion.objects.filter(user=student, seen=True).count() == 4


def test_a_timed_block_gets_ninety_seconds_per_item(student_client, student, bank):
    build(student_client, size="5", mode="timed")
    block = Block.objects.get(owner=student)
    assert block.item_count == 5
    assert (block.deadline - block.created_at).total_seconds() == pytest.approx(450, abs=1)


def test_asking_for_more_than_match_takes_what_there_is_and_says_so(student_client, student, bank):
    response = build(student_client, size="40", systems=["renal"])
    block = Block.objects.get(owner=student)
    assert block.item_count == 2
    assert block.size_requested == 40
    page = student_client.get(response["Location"], follow=True)
    assert "Only 2 questions matched, so your block has 2 instead of 40." in page.text


def test_no_match_is_a_clear_message_and_no_empty_block(student_client, student, bank):
    response = build(student_client, pool="flagged")
    assert response.status_code == 400
    assert "No questions match this pool" in response.text
    assert not Block.objects.exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"size": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"size": "41"}, "Ensure this value is less than or equal to 40."),
        ({"size": "abc"}, "Enter a whole number."),
        ({"size": "-3"}, "Ensure this value is greater than or equal to 1."),
        ({"size": "99999999999999999999"}, "Ensure this value is less than or equal to 40."),
        ({"pool": "everything"}, "Select a valid choice. everything is not one of the available choices."),
        ({"mode": "exam"}, "Select a valid choice. exam is not one of the available choices."),
        (
            {"subjects": ["astrology"]},
            "Select a valid choice. astrology is not one of the available choices.",
        ),
        ({"systems": ["renal", "nope"]}, "Select a valid choice. nope is not one of the available choices."),
    ],
)
def test_invalid_input_is_a_form_error_not_a_500(student_client, bank, fields, message):
    response = build(student_client, **fields)
    assert response.status_code == 400
    assert message in response.text
    assert not Block.objects.exists()


def test_unused_pool_excludes_questions_already_drawn(student_client, student, bank):
    make_block(student, bank[:4])
    build(student_client, size="40", pool="unused")
    newest = Block.objects.filter(owner=student).latest("created_at")
    assert set(newest.items.values_list("question_id", flat=True)) == {q.pk for q in bank[4:]}


def test_incorrect_omitted_and_flagged_pools(student_client, student, bank):
    from quizzes.services import block_finish, item_answer, item_flag

    block = make_block(student, bank[:4])
    item_answer(block=block, position=1, letter=wrong_letter(bank[0]))
    item_answer(block=block, position=4, letter=correct_letter(bank[3]))
    item_flag(block=block, position=2)
    block_finish(block=block)  # items 2 and 3 are omitted
    build(student_client, size="10", pool="incorrect")
    build(student_client, size="10", pool="omitted")
    incorrect, omitted = Block.objects.filter(owner=student).order_by("id")[1:]
    assert list(incorrect.items.values_list("question_id", flat=True)) == [bank[0].pk]
    assert set(omitted.items.values_list("question_id", flat=True)) == {bank[1].pk, bank[2].pk}
    block_finish(block=omitted)
    build(student_client, size="10", pool="flagged")
    flagged = Block.objects.filter(owner=student).latest("id")
    assert list(flagged.items.values_list("question_id", flat=True)) == [bank[1].pk]


def test_omitted_pool_counts_are_live_on_create_test(student_client, student, bank):
    from quizzes.services import block_finish

    block_finish(block=make_block(student, bank[:2], mode=Block.Mode.TIMED))
    response = student_client.get("/quizzes/new/counts/", {"pool": "omitted"})
    assert "<strong>2</strong> questions match" in response.text


def test_live_counts_fragment_follows_the_ticked_boxes_and_pool(
    student_client, student, bank, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = student_client.get("/quizzes/new/counts/", {"pool": "all", "systems": ["renal"]})
    assert response.status_code == 200
    assert "<strong>2</strong> questions match" in response.text
    # subject counts respect the ticked system; out-of-band swaps update every box
    assert 'id="count-subject-pathology" hx-swap-oob="true">1<' in response.text
    assert 'id="count-system-nervous" hx-swap-oob="true">2<' in response.text
    make_block(student, bank[:6])
    response = student_client.get("/quizzes/new/counts/", {"pool": "unused"})
    assert "<strong>0</strong> questions match" in response.text


def test_update_counts_without_javascript_keeps_the_selection(student_client, bank):
    response = student_client.get(URL, {"pool": "all", "systems": ["renal"], "size": "5", "mode": "timed"})
    assert response.status_code == 200
    assert "<strong>2</strong> questions match" in response.text
    assert 'value="renal" id="system-renal" checked' in response.text
    assert "This field is required" not in response.text


def test_drafts_never_enter_a_block(student_client, student):
    make_question(status="draft")
    published = make_question()
    build(student_client, size="40")
    assert list(Item.objects.values_list("question_id", flat=True)) == [published.pk]


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(URL)["Location"].startswith("/accounts/login/")
    assert client.post(URL, {"size": "3"})["Location"].startswith("/accounts/login/")


def test_wrong_method_is_405(student_client):
    assert student_client.put(URL).status_code == 405
    assert student_client.post("/quizzes/new/counts/").status_code == 405
