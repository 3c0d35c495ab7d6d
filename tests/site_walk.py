"""Walking the site for tests/test_bad_input.py: its URL patterns, what a view reads, the forms a page renders.

Not a test module: the machinery, so that the test module says only what is sent where.
"""

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from unittest.mock import patch
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.http import QueryDict
from django.urls import (
    LocalePrefixPattern,
    Resolver404,
    ResolverMatch,
    URLPattern,
    URLResolver,
    get_resolver,
    resolve,
    reverse,
)
from django.utils import translation
from django.utils.datastructures import MultiValueDict

LANGUAGE = "fr"  # the language URLs are reversed in


def _walk(
    patterns, prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[tuple[str, URLPattern, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            # The language prefix (/fr/) is not part of a pattern's key: the same page in every language.
            part = "" if isinstance(entry.pattern, LocalePrefixPattern) else str(entry.pattern)
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry.url_patterns, prefix + part, inner)
        else:
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            yield prefix + str(entry.pattern), entry, name


def all_patterns() -> dict[str, tuple[URLPattern, str]]:
    """Every URL pattern of the site by its key (its route, without the language prefix), with its view name."""
    return {key: (pattern, name) for key, pattern, name in _walk(get_resolver().url_patterns)}


def resolve_url(url: str) -> ResolverMatch:
    """resolve(), in the language of the URL's prefix: i18n patterns only match the active language's."""
    path = urlsplit(url).path
    language = path.split("/")[1] if path.count("/") > 1 else ""
    with translation.override(language if language in dict(settings.LANGUAGES) else LANGUAGE):
        return resolve(path)


def reverse_url(name: str, kwargs: dict) -> str:
    with translation.override(LANGUAGE):
        return reverse(name, kwargs=kwargs)


def pattern_key(url: str) -> str | None:
    """The pattern key of a path of this site, or None."""
    try:
        route = resolve_url(url).route
    except Resolver404:
        return None
    language, _, rest = route.partition("/")
    return rest if language in dict(settings.LANGUAGES) else route


@contextmanager
def recording_reads() -> Iterator[set[str]]:
    """The keys a view looks up in request.GET or request.POST (QueryDicts), present or not."""
    keys: set[str] = set()

    def recording(original):
        def lookup(self, key, *args, **kwargs):
            if isinstance(self, QueryDict):
                keys.add(key)
            return original(self, key, *args, **kwargs)

        return lookup

    with ExitStack() as stack:
        for method in ("get", "getlist", "__getitem__", "__contains__"):
            original = getattr(MultiValueDict, method)
            stack.enter_context(patch.object(MultiValueDict, method, recording(original)))
        yield keys


@dataclass
class Form:
    """A form as the browser would send it: its fields' current values and its submit buttons."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # every field, sent or not (unticked boxes)
    submits: list[tuple[str, str]] = field(default_factory=list)

    def signature(self) -> tuple:
        return (self.method, tuple(sorted(set(self.names))), tuple(sorted(set(self.submits))))

    def data(self, submit: tuple[str, str] | None) -> dict[str, list[str]]:
        sent: dict[str, list[str]] = {}
        for name, value in self.fields:
            sent.setdefault(name, []).append(value)
        if submit is not None:
            sent[submit[0]] = [submit[1]]
        return sent


class PageParser(HTMLParser):
    def __init__(self, url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.url = url
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: dict | None = None
        self._textarea: list | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "a" and found.get("href"):
            self.links.append(urljoin(self.url, found["href"]))
        elif tag == "form":
            action = urljoin(self.url, found.get("action") or self.url).split("#")[0]
            self._form = Form(action=action, method=(found.get("method") or "get").lower())
            self.forms.append(self._form)
        if self._form is None or not found.get("name"):
            return
        name, kind = found["name"], found.get("type", "").lower()
        if tag == "button" and kind in ("", "submit"):
            self._form.submits.append((name, found.get("value", "")))
        elif tag == "input" and kind in ("submit", "image"):
            self._form.submits.append((name, found.get("value", "")))
        elif tag == "input" and kind not in ("button", "reset", "file"):
            self._form.names.append(name)
            if kind not in ("checkbox", "radio") or "checked" in found:
                self._form.fields.append((name, found.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select":
            self._select = {"name": name, "multiple": "multiple" in found, "options": [], "selected": []}
        elif tag == "textarea":
            self._textarea = [name, ""]
        if tag == "option" and self._select is not None:
            self._select["options"].append(found.get("value", ""))
            if "selected" in found:
                self._select["selected"].append(found.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            select, self._select = self._select, None
            self._form.names.append(select["name"])
            chosen = (
                select["selected"] or select["options"][:1] if not select["multiple"] else select["selected"]
            )
            self._form.fields.extend((select["name"], value) for value in chosen)
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.names.append(self._textarea[0])
            self._form.fields.append((self._textarea[0], self._textarea[1].lstrip("\n")))
            self._textarea = None
