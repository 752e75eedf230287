import pytest
from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from accounts.hashers import OwaspArgon2PasswordHasher
from usmle_quiz import settings as project_settings


def test_argon2id_at_owasp_minimum_is_the_first_hasher_and_pbkdf2_still_verifies():
    assert project_settings.PASSWORD_HASHERS[0] == "accounts.hashers.OwaspArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in project_settings.PASSWORD_HASHERS


def test_owasp_hasher_produces_argon2id_with_7_mib_t5_p1(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password("pulmonary-embolism-11")
    assert encoded.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
    assert isinstance(identify_hasher(encoded), OwaspArgon2PasswordHasher)
    assert check_password("pulmonary-embolism-11", encoded)


def test_old_pbkdf2_hash_still_verifies(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    old = make_password("aortic-dissection-5", hasher="pbkdf2_sha256")
    assert check_password("aortic-dissection-5", old)


@pytest.mark.django_db
def test_a_hash_with_the_older_19_mib_setting_verifies_and_is_upgraded_at_login(settings, client):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from tests.conftest import make_user

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    student = make_user(username="older-hash")

    class Older(Argon2PasswordHasher):
        memory_cost, time_cost, parallelism = 19 * 1024, 2, 1

    student.password = Older().encode("renal-colic-7", Older().salt())
    student.save(update_fields=["password"])
    assert (
        client.post("/accounts/login/", {"username": "older-hash", "password": "renal-colic-7"}).status_code
        == 302
    )
    student.refresh_from_db()
    assert student.password.startswith("argon2$argon2id$v=19$m=7168,t=5,p=1$")
