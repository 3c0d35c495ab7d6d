"""Registering contributions for one test, and templates that exist only in that test."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bawaba.core.contributions import (
    EmailKind,
    PersonalDataProvider,
    Section,
    StaffHomePanel,
    StaffMenuEntry,
    registry,
)


@contextmanager
def registered(
    *contributions: Section | StaffMenuEntry | StaffHomePanel | EmailKind | PersonalDataProvider,
    alone: bool = False,
) -> Iterator[None]:
    """These contributions are registered inside the block (`alone`: instead of the apps' ones), and the registry
    is as it was after it."""
    saved = (
        dict(registry.sections),
        dict(registry.staff_entries),
        dict(registry.email_kinds),
        dict(registry.personal_data),
        dict(registry.staff_home_panels),
    )
    if alone:
        registry.staff_home_panels = {}
        registry.sections, registry.staff_entries, registry.email_kinds, registry.personal_data = (
            {},
            {},
            {},
            {},
        )
    try:
        for contribution in contributions:
            if isinstance(contribution, Section):
                registry.add_section(contribution)
            elif isinstance(contribution, StaffMenuEntry):
                registry.add_staff_entry(contribution)
            elif isinstance(contribution, StaffHomePanel):
                registry.add_staff_home_panel(contribution)
            elif isinstance(contribution, PersonalDataProvider):
                registry.add_personal_data(contribution)
            else:
                registry.add_email_kind(contribution)
        yield
    finally:
        registry.sections, registry.staff_entries, registry.email_kinds, registry.personal_data = saved[:4]
        registry.staff_home_panels = saved[4]


def with_templates(settings: Any, templates: dict[str, str]) -> None:
    """Add in-memory templates (name -> source) in front of the apps' ones, for this test (pytest-django's
    `settings` fixture puts the real ones back)."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", templates),
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]
