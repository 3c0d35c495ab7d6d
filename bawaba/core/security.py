"""Response headers the site sends on every page: a strict CSP, a Permissions-Policy and no-store caching.

Why our own middleware rather than django-csp: the policy is one fixed string (the site loads only its own CSS and
scripts, with no inline script, style or event handler), so a library's nonces and per-view policies would be
unused machinery; see docs/decisions/0009-security-headers-middleware.md.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# 'self' only. `img-src data:` is absent on purpose: no page uses data: images. `frame-ancestors` repeats
# X-Frame-Options for browsers that read only CSP; `form-action 'self'` keeps a stolen form from posting elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Nothing on the site needs a camera, a microphone, a position or a payment: deny them to every frame.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "camera",
        "microphone",
        "geolocation",
        "payment",
        "usb",
        "serial",
        "display-capture",
        "fullscreen",
        "browsing-topics",
    )
)


class SecurityHeadersMiddleware:
    """Adds the headers; placed after AuthenticationMiddleware, since the caching rule looks at the user.

    Caching rule: every response to a signed-in user is `no-store` (staff pages, the outbox, exports, a candidate's
    dashboard and applications all need a sign-in), whatever the view said; any other response without a
    Cache-Control of its own is `no-store` too (the public demo mailbox, forms with CSRF tokens). Static files are
    served by WhiteNoise before this middleware and keep their far-future caching.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp_header = (
            "Content-Security-Policy-Report-Only"
            if settings.BAWABA_CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault(self.csp_header, CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "Cache-Control" not in response.headers:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private, max-age=0
        return response
