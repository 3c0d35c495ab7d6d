"""Every staff page of the site answers the wrong people alike (issue 10, "Done when"): one test walks the whole URL
list, finds each view marked as a staff page (accounts.permissions.staff_page, and every URL of Django's admin), and
checks that a visitor is sent to sign in, a candidate gets 404, and a staff member who holds the page's role but
has not passed her second factor is sent to the second-factor step, before any object is looked up. Every URL under
/staff/ and /admin/ must be marked: a new staff URL without the decorator fails here.

URL parameters are dummy values (1, "x"): a 404 for a missing object would do for the forbidden cases, and the
unverified case must be redirected before the lookup anyway.
"""

import re

from django.test import Client
from django.urls import URLPattern

from bawaba.accounts.models import Assignment
from bawaba.accounts.tests.factories import UserFactory, staff_member
from bawaba.accounts.twofactor.tests.helpers import sign_in_without_second_factor
from bawaba.administrations.models import Administration
from bawaba.core.staff_pages import StaffPage, staff_page_of
from bawaba.territory.models import Region
from tests.site_walk import all_patterns, resolve_url

Role = Assignment.Role
LANGUAGE_PREFIX = "/fr/"
GUARDED_PREFIXES = ("staff/", "admin/")
SIGN_IN = "/fr/accounts/login/"
SECOND_STEP = ("/fr/accounts/two-factor/?", "/fr/accounts/two-factor/setup/")

_CONVERTER = re.compile(r"<(?:(?P<kind>\w+):)?(?P<name>\w+)>")
_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?P<body>[^)]*)\)")


def _sample(match: re.Match) -> str:
    return {"int": "1", "path": "1"}.get(match["kind"] or "str", "x")


def _sample_group(match: re.Match) -> str:
    body = match["body"]
    if re.fullmatch(r"[\w|]+", body):
        return body.split("|")[0]  # a choice of words (the admin's app labels): the first
    return "nowhere" if body == ".*" else "1"


def sample_path(key: str) -> str:
    """A path that the pattern `key` (as tests.site_walk names it) matches, filled with dummy values."""
    path = _GROUP.sub(_sample_group, key).replace("^", "").replace("$", "")  # regex patterns (the admin's)
    path = _CONVERTER.sub(_sample, path)
    return LANGUAGE_PREFIX + path


def staff_pages() -> list[tuple[str, str, StaffPage | None]]:
    pages = []
    for key, (pattern, _name) in sorted(all_patterns().items()):
        assert isinstance(pattern, URLPattern)
        page = staff_page_of(pattern.callback)
        if page is None and not key.startswith(GUARDED_PREFIXES):
            continue
        path = sample_path(key)
        assert resolve_url(path).func is pattern.callback, f"{path} does not reach the view of {key}"
        pages.append((key, path, page))
    return pages


def holder_of(page: StaffPage):
    """A staff member who holds the page's role (and, for the admin, Django's staff flag)."""
    if page.admin:
        return staff_member(Role.CENTRAL_ADMIN, is_staff=True)
    roles = page.roles or (Role.PROVINCIAL_SUPERVISOR,)
    role = next(
        (r for r in (Role.CENTRAL_ADMIN, Role.PROVINCIAL_SUPERVISOR, Role.INTERVIEWER) if r in roles), None
    )
    if role is not None:
        return staff_member(role)
    if Role.REGIONAL_COORDINATOR in roles:
        region, _ = Region.objects.get_or_create(code="99", defaults={"name_fr": "Région", "name_ar": "جهة"})
        return staff_member(Role.REGIONAL_COORDINATOR, region=region)
    administration, _ = Administration.objects.get_or_create(
        code="test-administration", defaults={"name_fr": "Administration", "name_ar": "إدارة"}
    )
    return staff_member(Role.ADMINISTRATION_AGENT, administration=administration)


def request(client: Client, path: str, **options):
    """GET, or POST for a page that takes only POST (405 to a GET)."""
    response = client.get(path, **options)
    return client.post(path, **options) if response.status_code == 405 else response


def test_every_staff_page_answers_visitors_candidates_and_unverified_staff_alike(db):
    pages = staff_pages()
    unmarked = [key for key, _path, page in pages if page is None]
    assert not unmarked, f"URLs under /staff/ or /admin/ whose view is not a staff page: {unmarked}"
    assert len(pages) > 50  # the staff pages and the admin's: the walk found them

    candidate = Client()
    candidate.force_login(UserFactory(email="candidate@example.ma"))
    holders: dict[StaffPage, Client] = {}
    problems = []
    for key, path, page in pages:
        assert page is not None
        visitor = request(Client(), path, follow=True)
        if not (visitor.redirect_chain and visitor.redirect_chain[-1][0].startswith(SIGN_IN)):
            problems.append(f"{key}: a visitor is not sent to sign in ({visitor.status_code})")
        if (status := request(candidate, path).status_code) != 404:
            problems.append(f"{key}: a candidate gets {status}, not 404")
        if page not in holders:
            holders[page] = Client()
            sign_in_without_second_factor(holders[page], holder_of(page))
        response = request(holders[page], path)
        if not (response.status_code == 302 and response["Location"].startswith(SECOND_STEP)):
            problems.append(f"{key}: her role without the second factor gets {response.status_code}")
    assert not problems, "\n".join(problems)


def test_a_regional_coordinator_changes_nothing_on_any_staff_page(db):
    """Read-only over her region: every staff page either is not hers (404) or takes no POST (405); the admin sends
    her away. Posting to all of them writes no audit row, so nothing was changed."""
    from bawaba.accounts.twofactor.tests.helpers import authenticator_for
    from bawaba.core.models import AuditEvent

    region, _ = Region.objects.get_or_create(code="99", defaults={"name_fr": "Région", "name_ar": "جهة"})
    coordinator = staff_member(Role.REGIONAL_COORDINATOR, region=region)
    client = Client()
    client.force_login(coordinator)  # verified: the root conftest opens staff sessions past the second factor
    authenticator_for(coordinator)
    before = AuditEvent.objects.count()
    problems = []
    for key, path, page in staff_pages():
        status = client.post(path, {"id": "1", "code": "000000"}).status_code
        allowed = (302, 404, 405) if page is not None and page.admin else (404, 405)
        if status not in allowed:
            problems.append(f"{key}: a coordinator's POST gets {status}")
    assert not problems, "\n".join(problems)
    assert AuditEvent.objects.count() == before
