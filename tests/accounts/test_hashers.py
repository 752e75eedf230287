from django.contrib.auth.hashers import check_password, identify_hasher, make_password

from accounts.hashers import OwaspArgon2PasswordHasher
from usmle_quiz import settings as project_settings


def test_argon2id_at_owasp_minimum_is_the_first_hasher_and_pbkdf2_still_verifies():
    assert project_settings.PASSWORD_HASHERS[0] == "accounts.hashers.OwaspArgon2PasswordHasher"
    assert "django.contrib.auth.hashers.PBKDF2PasswordHasher" in project_settings.PASSWORD_HASHERS


def test_owasp_hasher_produces_argon2id_with_19_mib_t2_p1(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    encoded = make_password("pulmonary-embolism-11")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert isinstance(identify_hasher(encoded), OwaspArgon2PasswordHasher)
    assert check_password("pulmonary-embolism-11", encoded)


def test_old_pbkdf2_hash_still_verifies(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    old = make_password("aortic-dissection-5", hasher="pbkdf2_sha256")
    assert check_password("aortic-dissection-5", old)
