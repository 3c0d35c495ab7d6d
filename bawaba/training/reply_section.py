"""Her reply to the training place on her dashboard (filled by the reply work of issue 12)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest


def reply_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    return {}
