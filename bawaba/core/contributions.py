"""What each app contributes to the pages and e-mails that span apps: a small, explicit registry.

Imports go down only (docs/architecture.md): the portal may import every stage app, but a stage app may not import
the portal, a lower app may not import a higher one, and stage apps never import each other's views. So the pages
that show several apps' parts (the candidate's dashboard, a campaign's page, the staff home and navigation) and the
outbox that sends every app's e-mails do not go looking for those parts: each app registers them here, in its
AppConfig.ready(), and the page or the outbox reads them. Core holds the registry because every app may import
core and core imports none of them.

Seven kinds of contribution:

* a **section** of a candidate-facing page (`Section`): a template and a context function, ordered;
* a **staff menu entry** (`StaffMenuEntry`): a label, a URL name and who may see it;
* a **staff home panel** (`StaffHomePanel`): a template and a context function shown on the staff home (an app's
  figures over the staff member's scope), ordered;
* an **e-mail kind** (`EmailKind`): its key, its label and its templates, in the app that sends it;
* a **personal-data provider** (`PersonalDataProvider`): what the app holds on one person, for her data download
  (law 09-08's right of access): each app describes its own rows, so a new app's data cannot be forgotten there;
* a **file kind** (`FileKind`): a file a worker makes for a staff member (a national list), with who may read it;
* an **indicator** (`Indicator`): a figure of the monitoring layer (issue 15), defined once by the app whose data it
  counts (its key, name, definition, unit, the dimensions it breaks down by, and how it is computed: a count, so
  that any breakdown adds up to its total); the indicators app reads them all, so a new app adds its figures
  without touching it.

And one port: `accounts` lies below `notifications` (the outbox's rows point at users), yet it sends e-mails
(confirmation, password reset). It queues them through `registry.queue_email`, which the notifications app
fills in with its own `queue_email` at start-up. Apps above notifications call that service directly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe

# The pages that have sections. Each page passes its own kind of object to the context functions.
DASHBOARD = "dashboard"  # the candidate's dashboard, per application: the details, under its calendar
# The top of each application on her dashboard: what matters now (her decision), in a panel. Until a section
# has something there, the page shows the next thing she has to do.
DASHBOARD_NOW = "dashboard_now"
# The status of an application as she sees it (dashboard, application page): a later stage's word replaces the
# application's own ("preselected" rather than "submitted"). The first section with something to show wins.
APPLICATION_STATUS = "application_status"
CAMPAIGN_PAGE = "campaign"  # a campaign's public page, per campaign
WITHDRAWAL = "withdrawal"  # the confirmation before a candidate withdraws, per application
PAGES = (DASHBOARD, DASHBOARD_NOW, APPLICATION_STATUS, CAMPAIGN_PAGE, WITHDRAWAL)

# The context of each object the section has something to show for, by the object's primary key. Objects that
# are missing get no section. One call per page for all its objects, so that a section costs a fixed number of
# queries however many applications a candidate has.
SectionContext = Callable[[HttpRequest, Sequence[Any]], Mapping[int, Mapping[str, Any]]]


@dataclass(frozen=True)
class Section:
    """A part of a candidate-facing page that an app fills in (the selection's decision on the dashboard)."""

    page: str
    key: str
    template: str
    context: SectionContext
    order: int = 100


@dataclass(frozen=True)
class StaffMenuEntry:
    """A staff page in the navigation and on the staff home, shown to the users `allowed` says yes to."""

    key: str
    label: str | Promise
    url_name: str
    allowed: Callable[[Any], bool]
    order: int = 100
    description: str | Promise = ""


# The context of a panel for this request's staff member, or None when the panel has nothing for her (her roles or
# her scope give her nothing of it).
StaffHomePanelContext = Callable[[HttpRequest], Mapping[str, Any] | None]


@dataclass(frozen=True)
class StaffHomePanel:
    """A part of the staff home that an app fills in for the signed-in staff member (the documents' figures)."""

    key: str
    template: str
    context: StaffHomePanelContext
    order: int = 100


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail (a convocation's calendar file)."""

    filename: str  # ASCII: it goes in a header as is
    content: bytes
    content_type: str  # e.g. "text/calendar; method=PUBLISH"


@dataclass(frozen=True)
class EmailKind:
    """A kind of e-mail an app sends. Its templates are `<template_prefix>_subject.txt`, `.txt` and `.html`."""

    key: str
    label: str | Promise
    template_prefix: str
    # Context entries that open something (a link's token): the outbox wipes them once the message is sent.
    secret_context: tuple[str, ...] = ()
    # Files sent with each message, made from the message's context and language when it is sent: the same
    # context gives the same bytes, so a message sent twice carries the same files.
    attachments: Callable[[Mapping[str, Any], str], Sequence[Attachment]] | None = None

    def files(self, context: Mapping[str, Any], language: str) -> tuple[Attachment, ...]:
        return tuple(self.attachments(context, language)) if self.attachments is not None else ()

    @property
    def templates(self) -> tuple[str, str, str]:
        return (
            f"{self.template_prefix}_subject.txt",
            f"{self.template_prefix}.txt",
            f"{self.template_prefix}.html",
        )


# One value of a person's data: JSON-ready (text, number, boolean, None or a list of those), dates as ISO text.
PersonalValue = str | int | bool | None | list


@dataclass(frozen=True)
class PersonalRecord:
    """One thing an app holds on her (her account, one application, one decision): a title and its fields, each
    (key for the JSON, label for the page, value)."""

    title: str | Promise
    fields: tuple[tuple[str, str | Promise, PersonalValue], ...]


@dataclass(frozen=True)
class PersonalDataProvider:
    """What an app holds on one person: `records(user)` reads it (through the app's selectors), only hers."""

    key: str
    label: str | Promise
    records: Callable[[Any], Sequence[PersonalRecord]]
    order: int = 100


# What an indicator can be broken down by: the territory (by code), the candidate's category (its code), the day
# (ISO date, in Morocco's time), a kind (an e-mail's, a document's...: the indicator's definition says which).
DIMENSIONS = ("region", "province", "commune", "category", "day", "kind")
TERRITORY = ("region", "province", "commune")

# (campaign, breakdown) -> {values: figure}. The breakdown is a tuple of dimensions: () for the whole campaign, or
# at most one of TERRITORY and at most one other, e.g. ("commune", "category"). Each key is the tuple of the row's
# values in the same order ("" where the data has none, so that a breakdown adds up to its total).
IndicatorCompute = Callable[[Any, tuple[str, ...]], Mapping[tuple[str, ...], int]]


@dataclass(frozen=True)
class Indicator:
    """A figure defined once: what it counts (`definition`, shown next to every figure), in what `unit`, broken down
    by which `dimensions`, and `compute`, a selector on the live data."""

    key: str  # stable: "<app>.<figure>", e.g. "campaigns.candidates"; an export's column and the API's name
    name: str | Promise
    definition: str | Promise
    unit: str | Promise
    dimensions: tuple[str, ...]
    compute: IndicatorCompute
    order: int = 100

    def __post_init__(self) -> None:
        unknown = sorted(set(self.dimensions) - set(DIMENSIONS))
        if unknown:
            raise ImproperlyConfigured(f"Indicator {self.key!r}: unknown dimensions {unknown}.")
        # The summary tables keep the commune as the grain and add it up into provinces and regions (see
        # bawaba.indicators.refresh): a territorial indicator breaks down by all three levels.
        territorial = set(self.dimensions) & set(TERRITORY)
        if territorial and territorial != set(TERRITORY):
            raise ImproperlyConfigured(
                f"Indicator {self.key!r}: by the territory means by all of {TERRITORY}."
            )

    @property
    def territorial(self) -> bool:
        return "commune" in self.dimensions

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """Its dimensions other than the territory (category, day, kind)."""
        return tuple(dimension for dimension in self.dimensions if dimension not in TERRITORY)


@dataclass(frozen=True)
class FileKind:
    """A file too long to make in a web request (a national list of 800,000 lines), made by a worker and kept for
    its requester (bawaba.notifications.files). `build(params, out)` writes the file's bytes to the binary stream
    `out`, in the language active when called, and answers the number of lines; `may_read(user, params)` says
    whether a user may ask for it and download it, checked at both moments (her scope may change meanwhile)."""

    key: str
    label: str | Promise
    extension: str  # "csv", "xlsx"
    content_type: str
    build: Callable[[Mapping[str, Any], Any], int]
    may_read: Callable[[Any, Mapping[str, Any]], bool]


class UnknownEmailKind(ValueError):
    """An e-mail of a kind no app registered: a programming error, refused before anything is written."""


class Outbox(Protocol):
    def __call__(
        self,
        *,
        kind: str,
        to_email: str,
        language: str,
        context: dict,
        idempotency_key: str,
        user: Any = None,
    ) -> Any: ...


@dataclass
class Registry:
    sections: dict[tuple[str, str], Section] = field(default_factory=dict)
    staff_entries: dict[str, StaffMenuEntry] = field(default_factory=dict)
    staff_home_panels: dict[str, StaffHomePanel] = field(default_factory=dict)
    email_kinds: dict[str, EmailKind] = field(default_factory=dict)
    personal_data: dict[str, PersonalDataProvider] = field(default_factory=dict)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    file_kinds: dict[str, FileKind] = field(default_factory=dict)
    outbox: Outbox | None = None

    # --- Registering (AppConfig.ready()) ---------------------------------------------------------------------

    def add_section(self, section: Section) -> None:
        if section.page not in PAGES:
            raise ImproperlyConfigured(f"Section {section.key!r}: unknown page {section.page!r}.")
        _add(self.sections, (section.page, section.key), section, "section")

    def add_staff_entry(self, entry: StaffMenuEntry) -> None:
        _add(self.staff_entries, entry.key, entry, "staff menu entry")

    def add_staff_home_panel(self, panel: StaffHomePanel) -> None:
        _add(self.staff_home_panels, panel.key, panel, "staff home panel")

    def add_email_kind(self, kind: EmailKind) -> None:
        _add(self.email_kinds, kind.key, kind, "e-mail kind")

    def add_personal_data(self, provider: PersonalDataProvider) -> None:
        _add(self.personal_data, provider.key, provider, "personal-data provider")

    def add_indicator(self, indicator: Indicator) -> None:
        _add(self.indicators, indicator.key, indicator, "indicator")

    def add_file_kind(self, kind: FileKind) -> None:
        _add(self.file_kinds, kind.key, kind, "file kind")

    def set_outbox(self, outbox: Outbox) -> None:
        self.outbox = outbox

    # --- Reading ---------------------------------------------------------------------------------------------

    def sections_of(self, page: str) -> list[Section]:
        return sorted(
            (section for section in self.sections.values() if section.page == page),
            key=lambda section: (section.order, section.key),
        )

    def staff_menu_for(self, user: Any) -> list[StaffMenuEntry]:
        """The staff entries this user may open, in menu order (none for a candidate or a visitor)."""
        if not getattr(user, "is_authenticated", False):
            return []
        entries = sorted(self.staff_entries.values(), key=lambda entry: (entry.order, entry.key))
        return [entry for entry in entries if entry.allowed(user)]

    def staff_home_panels_in_order(self) -> list[StaffHomePanel]:
        return sorted(self.staff_home_panels.values(), key=lambda panel: (panel.order, panel.key))

    def email_kind(self, key: str) -> EmailKind:
        try:
            return self.email_kinds[key]
        except KeyError:
            raise UnknownEmailKind(f"No app registered the e-mail kind {key!r}.") from None

    def email_kind_choices(self) -> list[tuple[str, str | Promise]]:
        return [(kind.key, kind.label) for kind in sorted(self.email_kinds.values(), key=lambda k: k.key)]

    def personal_data_providers(self) -> list[PersonalDataProvider]:
        return sorted(self.personal_data.values(), key=lambda provider: (provider.order, provider.key))

    def indicators_in_order(self) -> list[Indicator]:
        return sorted(self.indicators.values(), key=lambda indicator: (indicator.order, indicator.key))

    def indicator(self, key: str) -> Indicator:
        """The indicator of this key; KeyError if no app registered it."""
        return self.indicators[key]

    def queue_email(self, **kwargs: Any) -> Any:
        """Queue an e-mail in the outbox (see the module's docstring: for the apps below notifications)."""
        if self.outbox is None:
            raise ImproperlyConfigured("No outbox registered: is bawaba.notifications in INSTALLED_APPS?")
        return self.outbox(**kwargs)


def _add(entries: dict, key: Any, value: Any, what: str) -> None:
    # Two apps under one key would hide one of them without a word: refuse at start-up instead.
    if key in entries and entries[key] != value:
        raise ImproperlyConfigured(f"Two apps registered the {what} {key!r}.")
    entries[key] = value


registry = Registry()


def render_sections(request: HttpRequest, page: str, objects: Iterable[Model]) -> dict[int, list[SafeString]]:
    """The registered sections of `page` for each object, rendered in order: {object pk: [html, ...]}.

    A section whose context function returns nothing for an object is left out for that object; one that renders
    to blank space too.
    """
    return render_pages_sections(request, (page,), objects)[page]


def render_staff_home_panels(request: HttpRequest) -> list[SafeString]:
    """The registered staff home panels that have something for this request's staff member, rendered in order."""
    rendered = []
    for panel in registry.staff_home_panels_in_order():
        context = panel.context(request)
        if context is None:
            continue
        html = render_to_string(panel.template, dict(context), request=request)
        if html.strip():
            rendered.append(mark_safe(html))  # noqa: S308 - render_to_string escapes what it inserts
    return rendered


def render_pages_sections(
    request: HttpRequest, pages: Sequence[str], objects: Iterable[Model]
) -> dict[str, dict[int, list[SafeString]]]:
    """render_sections of several pages that show the same objects together (the dashboard's top, status and
    details): {page: {object pk: [html, ...]}}.

    A context function that serves sections of several of these pages (the selection's decision) is called once,
    so that a page's queries do not grow with the places it shows one thing in.
    """
    objects = list(objects)
    rendered: dict[str, dict[int, list[SafeString]]] = {
        page: {obj.pk: [] for obj in objects} for page in pages
    }
    if not objects:
        return rendered
    by_pk = {obj.pk: obj for obj in objects}
    contexts_by_function: dict[SectionContext, Mapping[int, Mapping[str, Any]]] = {}
    for page in pages:
        for section in registry.sections_of(page):
            if section.context not in contexts_by_function:
                contexts_by_function[section.context] = section.context(request, objects)
            for pk, context in contexts_by_function[section.context].items():
                if pk not in by_pk:
                    continue
                html = render_to_string(section.template, {"object": by_pk[pk], **context}, request=request)
                if html.strip():
                    # render_to_string escapes what it inserts: its output is safe to insert as it is.
                    rendered[page][pk].append(mark_safe(html))  # noqa: S308
    return rendered
