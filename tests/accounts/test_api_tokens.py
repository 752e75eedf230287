"""API tokens per device: stored hashed, expiring, capped, revocable from the profile page."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.test import APIRequestFactory

from accounts.api_tokens import (
    ApiTokenAuthentication,
    api_token_issue,
    api_token_revoke,
    api_tokens_active_for,
)
from accounts.models import ApiToken
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PROFILE = "/accounts/profile/"


def _authenticate(header: str):
    request = APIRequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    return ApiTokenAuthentication().authenticate(request)


def test_a_token_is_stored_only_as_a_hash_and_signs_its_student_in(student):
    token, raw = api_token_issue(user=student, device_name="Alice's phone")
    row = ApiToken.objects.get(pk=token.pk)
    assert raw not in (row.key_hash, row.prefix, row.name)
    assert raw.startswith("uq_") and len(raw) > 40
    assert raw[3:11] == row.prefix
    user, used = _authenticate(f"Bearer {raw}")
    assert user == student and used.pk == token.pk


@pytest.mark.parametrize(
    "header",
    ["Bearer uq_not-a-token", "Bearer", "Bearer a b", "bearer uq_" + "x" * 200, "Bearer \u00e9t\u00e9"],
)
def test_a_wrong_or_malformed_token_is_refused(student, header):
    api_token_issue(user=student, device_name="phone")
    with pytest.raises(AuthenticationFailed):
        _authenticate(header)


def test_no_bearer_header_leaves_the_request_to_the_session():
    assert _authenticate("Basic dXNlcjpwYXNz") is None


def test_an_expired_or_revoked_token_or_a_deactivated_student_is_refused(student):
    expired, expired_raw = api_token_issue(user=student, device_name="old tablet")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked, revoked_raw = api_token_issue(user=student, device_name="lost phone")
    assert api_token_revoke(user=student, token_id=revoked.pk)
    for raw in (expired_raw, revoked_raw):
        with pytest.raises(AuthenticationFailed):
            _authenticate(f"Bearer {raw}")
    _, live_raw = api_token_issue(user=student, device_name="laptop")
    student.is_active = False
    student.save()
    with pytest.raises(AuthenticationFailed):
        _authenticate(f"Bearer {live_raw}")


def test_last_used_is_written_once_per_few_minutes_not_per_request(student, django_assert_num_queries):
    token, raw = api_token_issue(user=student, device_name="phone")
    with django_assert_num_queries(2):  # the lookup, the first last_used_at
        _authenticate(f"Bearer {raw}")
    with django_assert_num_queries(1):
        _authenticate(f"Bearer {raw}")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_one_device_too_many_signs_out_the_least_recently_used(student, settings):
    settings.API_TOKENS_PER_USER = 3
    first, _ = api_token_issue(user=student, device_name="one")
    tokens = [api_token_issue(user=student, device_name=name)[0] for name in ("two", "three")]
    ApiToken.objects.filter(pk=first.pk).update(last_used_at=timezone.now())  # in use: keep it
    api_token_issue(user=student, device_name="four")
    active = set(api_tokens_active_for(user=student).values_list("name", flat=True))
    assert active == {"one", "three", "four"}
    assert ApiToken.objects.get(pk=tokens[0].pk).revoked_at is not None


def test_a_student_cannot_revoke_another_students_token(student, other_student):
    theirs, raw = api_token_issue(user=other_student, device_name="Bob's phone")
    assert not api_token_revoke(user=student, token_id=theirs.pk)
    assert _authenticate(f"Bearer {raw}")[0] == other_student


def test_the_profile_lists_devices_and_revokes_one(student_client, student):
    phone, phone_raw = api_token_issue(user=student, device_name="Alice's phone")
    api_token_issue(user=student, device_name="Alice's tablet")
    page = student_client.get(PROFILE)
    assert "Alice&#x27;s phone" in page.text and "Alice&#x27;s tablet" in page.text
    assert phone.prefix in page.text and phone_raw not in page.text
    response = student_client.post(f"/accounts/devices/{phone.pk}/revoke/")
    assert response.status_code == 303
    with pytest.raises(AuthenticationFailed):
        _authenticate(f"Bearer {phone_raw}")
    page = student_client.get(PROFILE)
    assert "Alice&#x27;s phone" not in page.text and "Alice&#x27;s tablet" in page.text


def test_revoking_someone_elses_or_a_missing_device_is_a_404(student_client, other_student):
    theirs, _ = api_token_issue(user=other_student, device_name="Bob's phone")
    assert student_client.post(f"/accounts/devices/{theirs.pk}/revoke/").status_code == 404
    assert student_client.post("/accounts/devices/999999/revoke/").status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_revoking_needs_a_post_and_a_signed_in_student(student_client, student):
    token, _ = api_token_issue(user=student, device_name="phone")
    assert student_client.get(f"/accounts/devices/{token.pk}/revoke/").status_code == 405
    response = Client().post(f"/accounts/devices/{token.pk}/revoke/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_revoke_form_carries_a_csrf_token(student):
    api_token_issue(user=student, device_name="phone")
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(student)
    token = ApiToken.objects.get(user=student)
    assert csrf_client.post(f"/accounts/devices/{token.pk}/revoke/").status_code == 403
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_password_change_signs_every_device_out(student_client, student):
    _, raw = api_token_issue(user=student, device_name="phone")
    response = student_client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-pass-phrase",
            "new_password2": "a-new-long-pass-phrase",
        },
    )
    assert response.status_code == 302
    with pytest.raises(AuthenticationFailed):
        _authenticate(f"Bearer {raw}")


def test_tokens_of_two_students_never_collide():
    a, b = make_user("tok_a"), make_user("tok_b")
    raws = {api_token_issue(user=user, device_name="d")[1] for user in (a, b) for _ in range(5)}
    assert len(raws) == 10
