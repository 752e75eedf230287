import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_password_reset_sends_a_link_that_sets_a_new_password(client, student):
    response = client.post("/accounts/password_reset/", {"email": student.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "hepatic-encephalopathy-3", "new_password2": "hepatic-encephalopathy-3"},
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.check_password("hepatic-encephalopathy-3")


def test_password_reset_for_an_unknown_email_looks_the_same_and_sends_nothing(client):
    response = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password_reset/done/"
    assert mail.outbox == []


def test_password_reset_reaches_every_account_of_a_shared_email(client, student):
    from tests.conftest import make_user

    make_user("alice-second", email=student.email)
    client.post("/accounts/password_reset/", {"email": student.email})
    assert len(mail.outbox) == 2
    assert {message.to[0] for message in mail.outbox} == {student.email}
