"""The signed-in user comes from Redis, and every change to the user reaches the next request."""

import pytest
from django.core.cache import cache
from django.test import Client

from accounts.backends import TOMBSTONE_SECONDS, _key
from accounts.models import User
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def _signed_in(user: User) -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": user.username, "password": PASSWORD}).status_code == 302
    )
    return client


def _user_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]


def test_a_signed_in_page_reads_the_user_once_then_from_the_cache():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    student = make_user()
    client = _signed_in(student)
    assert cache.get(_key(student.pk)) == "changed"  # the login saved last_login: a tombstone for a moment
    cache.delete(_key(student.pk))  # ... which has expired
    client.get("/")  # the first page after that reads the row and stores it
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
        assert client.get("/stats/").status_code == 200
    assert _user_queries(queries.captured_queries) == []


def test_turning_the_cache_off_reads_the_user_each_request(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.AUTH_USER_CACHE_SECONDS = 0
    client = _signed_in(make_user())
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
        client.get("/")
    assert len(_user_queries(queries.captured_queries)) == 2


def test_a_password_change_elsewhere_signs_out_the_other_sessions():
    student = make_user()
    laptop, phone = _signed_in(student), _signed_in(student)
    assert laptop.get("/stats/").status_code == 200
    assert phone.get("/stats/").status_code == 200  # both cached the user with the old hash
    reply = laptop.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "new-Horse-battery-42",
            "new_password2": "new-Horse-battery-42",
        },
    )
    assert reply.status_code == 302
    assert laptop.get("/stats/").status_code == 200  # the session that changed it stays signed in
    assert phone.get("/stats/")["Location"].startswith("/accounts/login/")


def test_a_deactivated_student_is_signed_out_on_the_next_request():
    student = make_user()
    client = _signed_in(student)
    assert client.get("/stats/").status_code == 200
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert client.get("/stats/")["Location"].startswith("/accounts/login/")


def test_a_profile_edit_shows_on_the_next_page():
    student = make_user(display_name="Before")
    client = _signed_in(student)
    assert "Before" in client.get("/accounts/profile/").content.decode()
    other = User.objects.get(pk=student.pk)  # as another process would change the row
    other.display_name = "After"
    other.save(update_fields=["display_name"])
    page = client.get("/accounts/profile/").content.decode()
    assert "After" in page
    assert "Before" not in page


def test_a_deleted_student_is_signed_out():
    student = make_user()
    client = _signed_in(student)
    assert client.get("/stats/").status_code == 200
    User.objects.filter(pk=student.pk).get().delete()
    assert client.get("/stats/")["Location"].startswith("/accounts/login/")


def test_a_copy_read_just_before_a_change_committed_is_never_stored(monkeypatch):
    from django.contrib.auth.backends import ModelBackend

    from accounts.backends import CachedModelBackend

    student = make_user()
    phone = _signed_in(student)
    cache.delete(_key(student.pk))
    read_the_row = ModelBackend.get_user

    def read_then_another_request_changes_it(self, user_id):
        stale = read_the_row(self, user_id)  # a slow request reads the row...
        other = User.objects.get(pk=user_id)  # ...another changes the password and commits...
        other.set_password("new-Horse-battery-42")
        other.save()
        return stale  # ...then the slow request goes on with what it read

    monkeypatch.setattr(ModelBackend, "get_user", read_then_another_request_changes_it)
    assert CachedModelBackend().get_user(student.pk).check_password(PASSWORD)  # the slow request's own view
    monkeypatch.undo()
    assert cache.get(_key(student.pk)) == "changed"  # it did not store its stale copy
    assert 1 <= cache.ttl(_key(student.pk)) <= TOMBSTONE_SECONDS
    assert phone.get("/stats/")["Location"].startswith("/accounts/login/")
