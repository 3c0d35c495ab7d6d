"""Cross-origin reading of the public API: any site's scripts may GET /api/ (open data, definitions, published
reports), nothing else, and no credentials are involved. HEAD is answered too, as a GET without its body.

Why our own few lines rather than django-cors-headers: one fixed rule (one path prefix, any origin, read methods,
no cookies) needs none of its settings, regexes or per-origin lists; see the API's decision record.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"
READ_METHODS = ("GET", "HEAD", "OPTIONS")
# How long a browser may keep a preflight's answer (a day).
PREFLIGHT_MAX_AGE = 86400


class ReadOnlyCorsMiddleware:
    """`Access-Control-Allow-Origin: *` on every read of /api/; a preflight (OPTIONS with
    Access-Control-Request-Method) is answered here, allowing the read methods and the headers a reader sends.

    No `Allow-Credentials`: a browser then sends no cookie across origins, so a page elsewhere reads only what
    anyone can read. Writes get no CORS header at all (the API has none; a browser refuses the answer)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(READ_METHODS)
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Language"
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
            response["Cache-Control"] = f"public, max-age={PREFLIGHT_MAX_AGE}"
        elif request.method == "HEAD":
            # HEAD is GET without the body, as Django's class-based views answer it; the API routes GET only.
            request.method = "GET"
            response = self.get_response(request)
            request.method = "HEAD"
            if not response.streaming:
                response["Content-Length"] = str(len(response.content))
                response.content = b""
        else:
            response = self.get_response(request)
        if request.method in READ_METHODS:
            response["Access-Control-Allow-Origin"] = "*"
            # A reader's script may see when to come back after a 429.
            response["Access-Control-Expose-Headers"] = "Retry-After"
            response["Vary"] = ", ".join(
                dict.fromkeys(
                    [*(part.strip() for part in response.get("Vary", "").split(",") if part), "Origin"]
                )
            )
        return response
