"""Cost of one password hash: Argon2id at OWASP's minimum (ours) against argon2-cffi's and Django's defaults.

Run: .venv/bin/python bench/bench_password_hash.py
The hash cost bounds how many sign-ins and registrations a web process can take per second.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("BAWABA_LOCAL", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402

from bawaba.accounts.hashers import OwaspArgon2PasswordHasher  # noqa: E402

ROUNDS = 50


def measure(hasher) -> tuple[float, float]:
    salt = hasher.salt()
    hasher.encode("warm-up passphrase", salt)
    timings = []
    for i in range(ROUNDS):
        start = time.perf_counter()
        hasher.encode(f"correct horse battery staple {i}", salt)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000, min(timings) * 1000


def main() -> None:
    print(
        "| hasher | parameters | median ms per hash | best ms | hashes/s on one core |\n|---|---|---:|---:|---:|"
    )
    for label, hasher in (
        ("Bawaba (OWASP minimum)", OwaspArgon2PasswordHasher()),
        ("Django default Argon2", Argon2PasswordHasher()),
    ):
        median, best = measure(hasher)
        params = f"m={hasher.memory_cost} KiB, t={hasher.time_cost}, p={hasher.parallelism}"
        print(f"| {label} | {params} | {median:.1f} | {best:.1f} | {1000 / median:.0f} |")


if __name__ == "__main__":
    main()
