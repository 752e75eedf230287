"""Hostile input on every form and URL of the page map: never a 500, always a clear 4xx (or a normal page).

Hypothesis generates the values: huge and odd strings, NUL bytes, odd Unicode,
negative and overflowing integers, lists where one value is expected, missing
fields. Runs are derandomised so CI is repeatable; the explicit examples pin
the nastiest cases.
"""

import pytest
from django.test import Client
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from quizzes.models import Block
from tests.conftest import make_block

pytestmark = [pytest.mark.security, pytest.mark.django_db]

NASTY = [
    "",
    " ",
    "\x00",
    "A\x00B",
    "💥" * 20,
    "\u202e\u200b\ufeff",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "-1",
    "0",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "1e309",
    "NaN",
    "true",
    "[]",
    "{}",
    "A" * 5000,
    # Unicode digits: str.isdigit() takes superscripts, int() takes Arabic-Indic and fullwidth digits.
    "²",
    "¹²",
    "٣",
    "٠١٢",
    "１",
    "۴۲",
    "३",
    "𝟗",
]
# Strings of digits from every script (Nd) and superscripts/other numbers (No), as numbers would be sent.
unicode_digits = st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=1, max_size=6)
values = st.one_of(
    st.sampled_from(NASTY),
    unicode_digits,
    st.text(max_size=60),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
)
field_values = st.one_of(values, st.lists(values, min_size=2, max_size=4))

# (method, url, the fields that form or view reads)
FORMS = [
    (
        "post",
        "/accounts/signup/",
        ["username", "email", "password1", "password2", "cohort", "graduation_year"],
    ),
    ("post", "/accounts/login/", ["username", "password", "next"]),
    (
        "post",
        "/accounts/profile/",
        ["display_name", "email", "cohort", "graduation_year", "show_on_leaderboard"],
    ),
    ("post", "/accounts/password_reset/", ["email"]),
    ("post", "/accounts/password_change/", ["old_password", "new_password1", "new_password2"]),
    ("post", "/quizzes/new/", ["mode", "size", "pool", "subjects", "systems"]),
    ("get", "/quizzes/new/counts/", ["mode", "size", "pool", "subjects", "systems"]),
    ("post", "/quizzes/{block}/q/1/", ["choice", "elapsed_ms", "idempotency_key"]),
    ("post", "/quizzes/{block}/q/1/", ["choice", "elapsed_ms", "autosave"]),
    ("post", "/quizzes/{block}/q/2/flag/", ["junk"]),
    ("post", "/quizzes/{block}/finish/", ["choice", "position"]),
    ("get", "/quizzes/{block}/review/", ["show", "subject", "system"]),
    ("post", "/quizzes/{block}/retake/", ["mode"]),
    ("get", "/leaderboard/", ["period", "subject", "cohort", "page"]),
    ("get", "/leaderboard/rows/", ["period", "subject", "cohort", "page"]),
    ("post", "/stats/reset/", ["confirm"]),
    ("get", "/", ["next"]),
]
HYPOTHESIS = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def hostile(student, bank, settings):
    settings.RATELIMIT_ENABLE = False  # limits would answer 429 before the input is even read
    client = Client(raise_request_exception=False)
    client.force_login(student)
    return client, make_block(student, bank[:3], mode=Block.Mode.TIMED)


@pytest.mark.parametrize(("method", "url", "fields"), FORMS, ids=[f"{m} {u}" for m, u, _ in FORMS])
@HYPOTHESIS
@given(data=st.data())
@example(data=None)
def test_hostile_values_never_cause_a_server_error(hostile, method, url, fields, data):
    client, block = hostile
    if data is None:  # the explicit example: every field at once, each a NUL-laced overflow
        payload = dict.fromkeys(fields, "9" * 30 + "\x00")
    else:
        chosen = data.draw(st.lists(st.sampled_from([*fields, "unexpected"]), unique=True))
        payload = {field: data.draw(field_values) for field in chosen}
    response = getattr(client, method)(url.format(block=block.pk), payload)
    assert response.status_code < 500, (url, payload, response.status_code)


@HYPOTHESIS
@given(block_id=st.integers(min_value=0, max_value=2**80), position=st.integers(min_value=0, max_value=2**80))
def test_overflowing_ids_in_urls_are_404(hostile, block_id, position):
    client, _ = hostile
    base = f"/quizzes/{block_id}"
    for url in [f"{base}/", f"{base}/q/{position}/", f"{base}/review/"]:
        assert client.get(url).status_code in (404, 302), url
    assert client.post(f"/quizzes/{block_id}/q/{position}/", {"choice": "A"}).status_code in (404, 400)


def test_a_body_over_the_limit_is_refused_with_400(hostile):
    client, block = hostile
    huge = "B" * (1024 * 1024 + 10)
    response = client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A", "filler": huge})
    assert response.status_code == 400
    assert block.items.get(position=1).chosen_letter == ""


def test_too_many_fields_are_refused_with_400(hostile):
    client, block = hostile
    response = client.post(f"/quizzes/{block.pk}/q/1/", {f"f{i}": "x" for i in range(500)} | {"choice": "A"})
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
@pytest.mark.parametrize("url", sorted({url for _, url, _ in FORMS}))
def test_wrong_methods_are_405(hostile, method, url):
    client, block = hostile
    assert getattr(client, method)(url.format(block=block.pk)).status_code == 405


@pytest.mark.parametrize("token", [None, "wrong-token-" + "x" * 52])
@pytest.mark.parametrize(("method", "url", "fields"), [f for f in FORMS if f[0] == "post"])
def test_posts_without_the_right_csrf_token_are_403(student, bank, method, url, fields, token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    block = make_block(student, bank[:3], mode=Block.Mode.TIMED)
    payload = dict.fromkeys(fields, "1") | ({"csrfmiddlewaretoken": token} if token else {})
    response = client.post(url.format(block=block.pk), payload)
    assert response.status_code == 403
    assert block.items.filter(chosen_letter="").count() == 3


def test_a_file_upload_over_the_limit_is_refused_before_it_is_read(hostile):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client, block = hostile
    upload = SimpleUploadedFile("notes.bin", b"\0" * (2 * 1024 * 1024))
    response = client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A", "attachment": upload})
    assert response.status_code == 413
    assert block.items.get(position=1).chosen_letter == ""


@pytest.mark.parametrize("digits", ["²", "٣", "１", "𝟗", "¹²"])
def test_unicode_digits_are_never_read_as_numbers(hostile, digits):
    client, block = hostile
    assert client.get("/leaderboard/", {"page": digits}).status_code == 200
    assert client.get("/leaderboard/rows/", {"page": digits}).status_code == 200
    assert client.get("/quizzes/", {"page": digits}).status_code == 200
    answer = client.post(f"/quizzes/{block.pk}/q/1/", {"choice": "A", "elapsed_ms": digits})
    assert answer.status_code == 303
    assert block.items.get(position=1).time_spent_ms < 60_000  # measured by the server, not "٣"
    built = client.post("/quizzes/new/", {"size": digits, "mode": "tutor", "pool": "all"})
    assert built.status_code == 400 and "Enter a whole number." in built.text
    profile = client.post("/accounts/profile/", {"graduation_year": digits, "cohort": digits})
    assert profile.status_code == 200  # the form again, with its errors; nothing saved
    assert "Enter a whole number." in profile.text and "Select a valid choice." in profile.text


def test_a_content_length_in_unicode_digits_is_400(hostile):
    client, block = hostile
    response = client.generic(
        "POST",
        f"/quizzes/{block.pk}/q/1/",
        b"choice=A",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH="٨",
    )
    assert response.status_code == 400
    assert block.items.get(position=1).chosen_letter == ""


@pytest.mark.parametrize("digits", ["²", "٣", "１", "𝟗"])
def test_unicode_digits_in_url_paths_are_404(hostile, digits):
    client, block = hostile
    for url in [f"/quizzes/{digits}/", f"/quizzes/{block.pk}/q/{digits}/", f"/quizzes/{digits}/review/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/quizzes/{block.pk}/q/{digits}/", {"choice": "A"}).status_code == 404
    assert client.post(f"/quizzes/{digits}/finish/").status_code == 404
