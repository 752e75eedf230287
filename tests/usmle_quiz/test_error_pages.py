import pytest
from django.template.loader import render_to_string


@pytest.mark.django_db
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'href="/"' in response.text


def test_500_page_renders_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        html = render_to_string("500.html")
    assert "Something went wrong on our side" in html


@pytest.mark.django_db
def test_an_unhandled_error_shows_the_friendly_500(client, monkeypatch):
    import usmle_quiz.views

    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(usmle_quiz.views, "bank_counts", explode)
    client.raise_request_exception = False
    from tests.conftest import make_user

    client.force_login(make_user())
    response = client.get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "boom" not in response.text


@pytest.mark.django_db
def test_missing_csrf_token_gets_the_friendly_403(db):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    assert response.status_code == 403
    assert "This form has expired" in response.text
