"""Her training progress on her dashboard (filled by the progress work of issue 12)."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpRequest


def progress_sections(request: HttpRequest, applications: Sequence[Any]) -> Mapping[int, Mapping[str, Any]]:
    return {}
