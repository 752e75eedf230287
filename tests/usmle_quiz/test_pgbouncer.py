"""Run by `make test` a second time through PgBouncer in transaction mode (DB_PGBOUNCER=true)."""

import pytest
from django.conf import settings
from django.db import connection

from quizzes.models import Question
from tests.conftest import make_question

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not settings.DB_PGBOUNCER, reason="only through PgBouncer (make test runs it)"),
]


def test_the_connection_goes_through_pgbouncer_with_the_statement_timeout():
    assert settings.DATABASES["default"]["PORT"] == "6432"
    assert settings.DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert "options" not in settings.DATABASES["default"]["OPTIONS"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "5s"  # set by PgBouncer's connect_query


def test_iterating_a_large_queryset_needs_no_server_side_cursor():
    for _ in range(3):
        make_question()
    assert sum(1 for _ in Question.objects.iterator(chunk_size=1)) == 3
