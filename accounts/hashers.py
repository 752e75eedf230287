from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum: 19 MiB of memory, 2 iterations, 1 lane.

    Django's default (100 MiB, 8 lanes) is stronger but costs ~5x the memory per
    login; 500 students logging in at once on a 2-core box needs the OWASP floor.
    The algorithm name stays "argon2", so hashes made with other parameters still
    verify and are upgraded on the next login.
    """

    memory_cost = 19 * 1024  # KiB
    time_cost = 2
    parallelism = 1
