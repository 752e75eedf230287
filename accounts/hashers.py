from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at one of OWASP's minimum configurations: 7 MiB of memory, 5 iterations, 1 lane.

    OWASP's Password Storage Cheat Sheet lists five Argon2id settings that give an
    equal level of defence, trading memory for iterations (46 MiB/t=1, 19 MiB/t=2,
    12 MiB/t=3, 9 MiB/t=4, 7 MiB/t=5). On this project's 2-core machine the 7 MiB
    one verifies in ~17 ms of CPU against ~23 ms for 19 MiB (less memory to fault
    in and zero per login; docs/PERFORMANCE.md has the measurement), and a lecture
    hall logging in at once is bound by exactly that cost. Django's default
    (100 MiB, 8 lanes) is stronger but costs several times more per login.
    The algorithm name stays "argon2", so hashes made with other parameters still
    verify and are upgraded on the next login.
    """

    memory_cost = 7 * 1024  # KiB
    time_cost = 5
    parallelism = 1
