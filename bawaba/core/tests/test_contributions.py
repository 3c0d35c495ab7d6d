"""The registry of contributions: sections in order, each object only its own; staff entries only for whom their
predicate allows; e-mail kinds known or refused; two apps under one key refused at start-up."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from bawaba.core.contributions import (
    APPLICATION_STATUS,
    DASHBOARD,
    DASHBOARD_NOW,
    EmailKind,
    Registry,
    Section,
    StaffMenuEntry,
    UnknownEmailKind,
    registry,
    render_pages_sections,
    render_sections,
)
from bawaba.core.tests.helpers import registered, with_templates


def _section(key: str, order: int, context=lambda request, objects: {}) -> Section:
    return Section(page=DASHBOARD, key=key, template=f"test/{key}.html", context=context, order=order)


def _entry(key: str, order: int = 100, allowed=lambda user: True) -> StaffMenuEntry:
    return StaffMenuEntry(key=key, label=key.title(), url_name="portal:home", allowed=allowed, order=order)


def test_sections_come_in_their_order_then_by_key():
    fresh = Registry()
    for section in (_section("c", 20), _section("b", 10), _section("a", 20)):
        fresh.add_section(section)
    assert [section.key for section in fresh.sections_of(DASHBOARD)] == ["b", "a", "c"]
    assert fresh.sections_of("campaign") == []


def test_a_section_of_an_unknown_page_is_refused():
    with pytest.raises(ImproperlyConfigured):
        Registry().add_section(Section(page="nowhere", key="x", template="x.html", context=lambda r, o: {}))


@pytest.mark.parametrize(
    "add, first, second",
    [
        ("add_section", _section("same", 1), _section("same", 2)),
        ("add_staff_entry", _entry("same", 1), _entry("same", 2)),
        (
            "add_email_kind",
            EmailKind(key="same", label="One", template_prefix="one/same"),
            EmailKind(key="same", label="Two", template_prefix="two/same"),
        ),
    ],
)
def test_two_apps_under_one_key_are_refused_and_the_same_one_twice_is_harmless(add, first, second):
    fresh = Registry()
    getattr(fresh, add)(first)
    getattr(fresh, add)(first)  # ready() may run twice (the test runner, some commands)
    with pytest.raises(ImproperlyConfigured):
        getattr(fresh, add)(second)


def test_the_staff_menu_holds_only_the_entries_whose_predicate_allows_the_user():
    fresh = Registry()
    fresh.add_staff_entry(_entry("outbox", 90, allowed=lambda user: "admin" in user.roles))
    fresh.add_staff_entry(
        _entry("reviews", 10, allowed=lambda user: bool({"supervisor", "admin"} & user.roles))
    )
    admin = SimpleNamespace(is_authenticated=True, roles={"admin"})
    supervisor = SimpleNamespace(is_authenticated=True, roles={"supervisor"})
    candidate = SimpleNamespace(is_authenticated=True, roles=set())
    visitor = SimpleNamespace(is_authenticated=False, roles={"admin"})

    assert [entry.key for entry in fresh.staff_menu_for(admin)] == ["reviews", "outbox"]
    assert [entry.key for entry in fresh.staff_menu_for(supervisor)] == ["reviews"]
    assert fresh.staff_menu_for(candidate) == []
    assert fresh.staff_menu_for(visitor) == []


def test_an_unregistered_email_kind_is_unknown():
    with pytest.raises(UnknownEmailKind):
        registry.email_kind("no_such_kind")


def test_every_app_registered_its_email_kinds_and_staff_entries_at_start_up():
    assert {"account_confirmation", "password_reset", "application_received"} <= set(registry.email_kinds)
    assert {"campaigns.applications", "selection.campaigns", "notifications.outbox"} <= set(
        registry.staff_entries
    )
    assert registry.outbox is not None


def test_sections_render_in_order_for_their_own_objects_only(settings):
    with_templates(
        settings,
        {
            "test/first.html": "<p>first {{ object.pk }} {{ word }}</p>",
            "test/second.html": "<p>second {{ object.pk }}</p>",
            "test/blank.html": "   \n",
        },
    )
    one, two = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    sections = [
        # Knows object 1 only, and an object that is not on the page: that one is ignored.
        _section("second", 20, context=lambda request, objects: {1: {}, 99: {}}),
        _section("first", 10, context=lambda request, objects: {o.pk: {"word": "<b>"} for o in objects}),
        _section("blank", 5, context=lambda request, objects: {o.pk: {} for o in objects}),
    ]
    request = RequestFactory().get("/")
    with registered(*sections, alone=True):
        rendered = render_sections(request, DASHBOARD, [one, two])

    assert rendered == {1: ["<p>first 1 &lt;b&gt;</p>", "<p>second 1</p>"], 2: ["<p>first 2 &lt;b&gt;</p>"]}
    assert render_sections(request, DASHBOARD, []) == {}


def test_pages_shown_together_call_a_shared_context_function_once(settings):
    with_templates(
        settings, {"test/now.html": "<p>now {{ word }}</p>", "test/status.html": "<b>{{ word }}</b>"}
    )
    calls = []

    def decisions(request, objects):
        calls.append([o.pk for o in objects])
        return {o.pk: {"word": f"w{o.pk}"} for o in objects}

    sections = [
        Section(page=DASHBOARD_NOW, key="now", template="test/now.html", context=decisions),
        Section(page=APPLICATION_STATUS, key="status", template="test/status.html", context=decisions),
    ]
    one, two = SimpleNamespace(pk=1), SimpleNamespace(pk=2)
    with registered(*sections, alone=True):
        rendered = render_pages_sections(
            RequestFactory().get("/"), (DASHBOARD_NOW, APPLICATION_STATUS, DASHBOARD), [one, two]
        )

    assert calls == [[1, 2]]
    assert rendered == {
        DASHBOARD_NOW: {1: ["<p>now w1</p>"], 2: ["<p>now w2</p>"]},
        APPLICATION_STATUS: {1: ["<b>w1</b>"], 2: ["<b>w2</b>"]},
        DASHBOARD: {1: [], 2: []},
    }
