"""Staff home panels: an app's part of the staff home, rendered in order for whoever its context function has
something for; two apps under one key stop the start-up."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from bawaba.core.contributions import Registry, StaffHomePanel, render_staff_home_panels
from bawaba.core.tests.helpers import registered, with_templates


def panel(key: str, order: int, context) -> StaffHomePanel:
    return StaffHomePanel(key=key, template=f"test/{key}.html", context=context, order=order)


def test_panels_render_in_order_and_a_panel_with_nothing_for_her_is_left_out(settings):
    with_templates(settings, {"test/a.html": "A {{ value }}", "test/b.html": "B", "test/c.html": "C"})
    request = RequestFactory().get("/")
    with registered(
        panel("b", 20, lambda request: {}),
        panel("a", 10, lambda request: {"value": 1}),
        panel("c", 5, lambda request: None),
        alone=True,
    ):
        assert render_staff_home_panels(request) == ["A 1", "B"]


def test_two_apps_cannot_register_one_panel_key():
    registry = Registry()
    registry.add_staff_home_panel(panel("a", 10, lambda request: {}))
    with pytest.raises(ImproperlyConfigured):
        registry.add_staff_home_panel(panel("a", 20, lambda request: {}))
