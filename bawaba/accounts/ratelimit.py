"""Fixed-window rate limits kept in the cache, per e-mail address and per client IP.

Sign-in is guarded by django-axes (a lockout per account); these limits guard what sends e-mail without a
password: registration, a new confirmation link, a password reset. They stop one address from being flooded with
messages and one client from creating accounts or probing addresses in bulk.

Counters are `cache.add` (create at 0, only if absent) then `cache.incr` (atomic in Redis and Memcached), so every
web process shares them as soon as `CACHE_URL` points at a shared cache. A window is a fixed slice of the clock
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
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
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
    # Codes of the second factor (twofactor/services.py): a few typos an hour, a slow trickle of guesses a day.
    "second_factor:user": Rate(10, 900),
    "second_factor:user:day": Rate(50, 86400),
    "second_factor:ip": Rate(100, 900),
}


def rate_for(scope: str) -> Rate:
    override = getattr(settings, "BAWABA_RATE_LIMITS", {}).get(scope)
    return Rate(*override) if override else DEFAULT_RATES[scope]


def hit(scope: str, identity: str) -> int:
    """Count one hit; return 0 when it is within the limit, else the seconds until the window ends."""
    rate = rate_for(scope)
    now = time.time()
    window = int(now // rate.window)
    digest = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32]
    key = f"ratelimit:{scope}:{digest}:{window}"
    cache.add(key, 0, timeout=rate.window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this hit opens a new counter
        cache.set(key, 1, timeout=rate.window)
        count = 1
    if count <= rate.limit:
        return 0
    return max(1, math.ceil((window + 1) * rate.window - now))


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
