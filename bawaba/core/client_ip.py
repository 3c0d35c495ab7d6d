"""The client's address as rate limits and lockouts must see it, also behind load balancers."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or behind N trusted proxies the address the outermost of them saw.

    Each trusted proxy appends the address it received the request from to X-Forwarded-For, so the N-th entry from
    the right is the one a client could not forge; anything to its left came from the client and is ignored.
    """
    proxies = settings.BAWABA_TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]
