"""Fixed-window rate limits kept in the cache, per e-mail address and per client IP.

They guard what sends e-mail without a password (registration, a new confirmation link, a password reset), so
that one address is not flooded with messages and one client cannot create accounts or probe addresses in bulk,
and they hold the budgets of failed sign-ins (`throttle.py`).

Counters are `cache.add` (create at 0, only if absent) then `cache.incr`, in the default cache that every web process
shares (Redis in production, the database's table locally). Redis increments atomically; Django's database cache
reads then writes, so two processes may both read 3 and both write 4: there the increment runs in a transaction
that holds the database's lock on that counter (`_locked`), and a limit of 5 lets 5 through however many processes
hit it at once (test_rate_limits_across_processes.py). A window is a fixed slice of the clock
(`now // window`): simple, one key per window, and at worst twice the limit across a window boundary, which is
fine for a guard that only needs to stay within a small multiple of human behaviour.

Addresses are hashed in the keys: the cache never holds the list of addresses that were tried.
The client IP is the one django-axes resolves, so one setting (`AXES_CLIENT_IP_CALLABLE` or the ipware proxy
settings) describes the proxies for both. Per-IP limits are generous because mobile carriers put thousands of
people behind one address (carrier-grade NAT).

Limits can be tuned without a release: `BAWABA_RATE_LIMITS = {"register:ip": (200, 3600), ...}`.
"""

import hashlib
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, router, transaction
from django.http import HttpRequest


@dataclass(frozen=True)
class Rate:
    limit: int  # hits allowed in one window
    window: int  # seconds


DEFAULT_RATES: dict[str, Rate] = {
    "register:address": Rate(5, 3600),
    "register:ip": Rate(100, 3600),
    "confirmation:address": Rate(5, 3600),
    "confirmation:ip": Rate(100, 3600),
    "reset:address": Rate(5, 3600),
    "reset:ip": Rate(100, 3600),
    # The contact form (bawaba.pages): each message e-mails the operator and acknowledges to the address given.
    "contact:address": Rate(5, 3600),
    "contact:ip": Rate(30, 3600),
    # A candidate's answers to her training place (bawaba.training): a few clicks, not a script's thousands.
    "training_reply:user": Rate(20, 3600),
    # A candidate's supporting documents (bawaba.documents): a few files, replaced now and then, not a flood.
    "document_upload:user": Rate(60, 3600),
    # Codes of the second factor (twofactor/services.py): a few typos an hour, a slow trickle of guesses a day.
    "second_factor:user": Rate(10, 900),
    "second_factor:user:day": Rate(50, 86400),
    "second_factor:ip": Rate(100, 900),
    # The public read-only API (bawaba.indicators.opendata.api): a script's steady reading, not a flood.
    "api:ip": Rate(300, 60),
    # Failed sign-ins (throttle.py; docs/decisions, "sign-in throttling").
    "signin:source": Rate(60, 900),  # from one client IP, over every address
    "signin:source:wave": Rate(10, 900),  # the same counter's limit while the site is under a wave
    "signin:site": Rate(5000, 900),  # over the whole site: more than this is a credential-stuffing wave
    "signin:address": Rate(10, 900),  # on one address, from browsers it has never signed in on
    "signin:browser": Rate(10, 900),  # from one trusted browser
}


def rate_for(scope: str) -> Rate:
    override = getattr(settings, "BAWABA_RATE_LIMITS", {}).get(scope)
    return Rate(*override) if override else DEFAULT_RATES[scope]


@dataclass(frozen=True)
class Count:
    key: str  # the cache key of this window's counter, to take the hit back (`uncount`)
    value: int  # hits in this window, this one included
    wait: int  # seconds until the window ends


def count(scope: str, identity: str) -> Count:
    """Count one hit in this window of `scope` (atomically, in the shared cache)."""
    rate = rate_for(scope)
    now = time.time()
    window = int(now // rate.window)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window}"
    with _locked(key):
        cache.add(key, 0, timeout=rate.window)
        try:
            value = cache.incr(key)
        except ValueError:  # the key expired between add and incr: this hit opens a new counter
            cache.set(key, 1, timeout=rate.window)
            value = 1
    return Count(key=key, value=value, wait=max(1, math.ceil((window + 1) * rate.window - now)))


def uncount(counted: Count) -> None:
    """Take back a hit that turned out not to count (a sign-in that succeeded, or was refused unchecked)."""
    with _locked(counted.key):
        try:
            cache.decr(counted.key)
        except ValueError:  # the window has ended and its counter with it: nothing to take back
            pass


@contextmanager
def _locked(key: str) -> Iterator[None]:
    """Make a read-then-write of the database cache atomic; nothing to do for Redis or a per-process cache.

    SQLite: the transaction begins IMMEDIATE (config/settings.py), which takes the database's write lock at once.
    PostgreSQL: a transaction-scoped advisory lock on the key, so counters on other keys do not wait.
    """
    backend = caches["default"]  # `cache` is a proxy: isinstance needs the backend itself
    if not isinstance(backend, DatabaseCache):
        yield
        return
    using = router.db_for_write(backend.cache_model_class)
    with transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            lock_id = int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big", signed=True)
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
        yield


def clear(scope: str, identity: str) -> None:
    """Forget this window's count (a password reset ends the block on her address)."""
    rate = rate_for(scope)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    cache.delete(f"ratelimit:{scope}:{digest}:{int(time.time() // rate.window)}")


def hit(scope: str, identity: str) -> int:
    """Count one hit; return 0 when it is within the limit, else the seconds until the window ends."""
    counted = count(scope, identity)
    return 0 if counted.value <= rate_for(scope).limit else counted.wait


def client_ip(request: HttpRequest) -> str:
    return get_client_ip_address(request) or "unknown"


def check_request(request: HttpRequest, *, action: str, email: str) -> int:
    """Count one `action` for this address and this client; return 0 when allowed, else seconds to wait.

    Both counters are always counted, so a client blocked on one address still uses up its per-IP allowance.
    """
    waits = [
        hit(f"{action}:address", email.strip().lower()),
        hit(f"{action}:ip", client_ip(request)),
    ]
    return max(waits)
