import pytest
from django.test import RequestFactory

from bawaba.core.client_ip import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.9"),  # no trusted proxy: a forged header is ignored
        (
            1,
            "6.6.6.6, 41.250.1.2",
            "41.250.1.2",
        ),  # the client forged the left entry; the proxy appended the real one
        (2, "6.6.6.6, 41.250.1.2, 10.0.0.5", "41.250.1.2"),
        (
            2,
            "41.250.1.2",
            "10.0.0.9",
        ),  # fewer entries than proxies: a misconfiguration, fall back to the peer
    ],
)
def test_client_ip_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.BAWABA_TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
