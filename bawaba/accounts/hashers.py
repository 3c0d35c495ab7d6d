from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum (19 MiB, 2 iterations, 1 lane).

    The library default (100 MiB, 8 lanes) costs several times more per sign-in; with hundreds of thousands of
    registrations in three weeks the hash cost bounds registrations per second (docs/benchmarks.md).
    Hashes made with other parameters are upgraded on the next successful sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
