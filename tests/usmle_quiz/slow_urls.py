"""A URL that runs a slow query, for the statement-timeout test only."""

from django.db import connection, transaction
from django.http import HttpResponse
from django.urls import include, path


def slow(request):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 200")  # this transaction only
        cursor.execute("SELECT pg_sleep(3)")
    return HttpResponse("finished")


urlpatterns = [path("slow/", slow), path("", include("usmle_quiz.urls"))]
