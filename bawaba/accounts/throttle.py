"""Budgets of failed sign-ins, so that nobody can spray passwords over many accounts, nor keep an owner out.

Why this shape: docs/decisions, "sign-in throttling". In short, besides django-axes' lockout per (client, address):

* **per source**: a client IP may fail so many sign-ins in a window, whatever the addresses (generous: mobile
  carriers put many people behind one IP), and far fewer while the whole site is under a wave of failures
  (credential stuffing from many IPs at once);
* **per address**: an address may see so many failures in a window from browsers it has never signed in on; past
  that, such browsers are refused for that address until the window ends or its owner resets her password;
* **trusted browsers**: a browser on which an address has signed in (or reset its password) carries a signed
  cookie naming it. For that address it skips the budgets above (only its own, per browser, applies), so a flood of
  failures from elsewhere never keeps the owner out of her work.

Every attempt is counted before its password is checked (atomically in the shared cache, so that concurrent
attempts cannot all slip under a limit) and taken back when it succeeds or is refused unchecked: the counters hold
failures only. Every password check passes through `AccountBackend` (the admin sends to our sign-in page), which
calls `admit` and `succeeded`; a refusal is answered by `lockout.lockout_response` (429, with the wait) through
django-axes' middleware.
"""

import json
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from bawaba.accounts import ratelimit

# Set on the request when an attempt is refused, for the lockout response to explain.
REFUSAL = "accounts_sign_in_refusal"
_COUNTED = "accounts_sign_in_counted"

TRUSTED_BROWSER_COOKIE = "bawaba_trusted_browser"
_COOKIE_SALT = "bawaba.accounts.trusted_browser"
TRUSTED_BROWSER_DAYS = 180
# A shared computer (a family's, a cyber café's) may be trusted by a few accounts; the oldest is forgotten first.
ADDRESSES_PER_BROWSER = 5


@dataclass(frozen=True)
class Refusal:
    reason: str  # "source": this client failed too often; "address": this address, from unknown browsers
    wait: int  # seconds until the budget's window ends


@dataclass
class _TrustedBrowser:
    browser: str  # a random id, the key of this browser's own budget
    addresses: list[str] = field(default_factory=list)  # keyed digests of the addresses that trust it


def admit(request: HttpRequest, address: str) -> Refusal | None:
    """Count this attempt on `address` against its budgets; a refusal if one is spent (nothing is then counted)."""
    address = address.strip().lower()
    counted: list[ratelimit.Count] = []
    refusal = _count(request, address, counted)
    if refusal is not None:
        for hit in counted:
            ratelimit.uncount(hit)
        return refusal
    setattr(request, _COUNTED, counted)
    return None


def succeeded(request: HttpRequest) -> None:
    """The password was right: this attempt was no failure."""
    for hit in getattr(request, _COUNTED, ()):
        ratelimit.uncount(hit)
    setattr(request, _COUNTED, [])


def _count(request: HttpRequest, address: str, counted: list[ratelimit.Count]) -> Refusal | None:
    site = ratelimit.count("signin:site", "site")
    counted.append(site)
    trusted = _trusted_browser(request)
    if trusted is not None and _digest(address) in trusted.addresses:
        browser = ratelimit.count("signin:browser", trusted.browser)
        counted.append(browser)
        if browser.value <= ratelimit.rate_for("signin:browser").limit:
            return None
        # A trusted browser that fails this often may be in a stranger's hands: the ordinary budgets apply.

    wave = site.value > ratelimit.rate_for("signin:site").limit
    source = ratelimit.count("signin:source", ratelimit.client_ip(request))
    counted.append(source)
    if source.value > ratelimit.rate_for("signin:source:wave" if wave else "signin:source").limit:
        return Refusal(reason="source", wait=source.wait)
    on_address = ratelimit.count("signin:address", address)
    counted.append(on_address)
    if on_address.value > ratelimit.rate_for("signin:address").limit:
        return Refusal(reason="address", wait=on_address.wait)
    return None


def trust_browser(request: HttpRequest, response: HttpResponse, address: str) -> None:
    """Remember on this browser that `address` signed in on it (or proved its mailbox here by a reset)."""
    trusted = _trusted_browser(request) or _TrustedBrowser(browser=secrets.token_urlsafe(16))
    digest = _digest(address)
    addresses = [digest, *(a for a in trusted.addresses if a != digest)][:ADDRESSES_PER_BROWSER]
    response.set_signed_cookie(
        TRUSTED_BROWSER_COOKIE,
        json.dumps({"b": trusted.browser, "a": addresses}),
        salt=_COOKIE_SALT,
        max_age=TRUSTED_BROWSER_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def end_address_block(address: str) -> None:
    """Her password reset proved the mailbox: unknown browsers may try this address again at once."""
    ratelimit.clear("signin:address", address.strip().lower())


def _trusted_browser(request: HttpRequest) -> _TrustedBrowser | None:
    value = request.get_signed_cookie(
        TRUSTED_BROWSER_COOKIE, default=None, salt=_COOKIE_SALT, max_age=TRUSTED_BROWSER_DAYS * 24 * 3600
    )
    if value is None:
        return None
    try:
        data = json.loads(value)
        browser, addresses = str(data["b"]), [str(a) for a in data["a"]]
    except (ValueError, KeyError, TypeError):
        return None
    return _TrustedBrowser(browser=browser, addresses=addresses)


def _digest(address: str) -> str:
    # Keyed: the cookie does not carry the address, nor a hash anyone could match against a list of addresses.
    return salted_hmac(_COOKIE_SALT, address.strip().lower()).hexdigest()[:24]


def refusal_of(request: HttpRequest) -> Refusal | None:
    return getattr(request, REFUSAL, None)


def refuse(request: HttpRequest, refusal: Refusal) -> None:
    """Mark the request refused; django-axes' middleware then answers with `lockout.lockout_response`."""
    setattr(request, REFUSAL, refusal)
    request.axes_locked_out = True  # type: ignore[attr-defined]
