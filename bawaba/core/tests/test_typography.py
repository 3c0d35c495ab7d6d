"""The Arabic face shipped with the site: served by WhiteNoise with a long cache, allowed by the CSP, declared in
typography.css with the Arabic blocks only, linked from every page; and no italics left for Arabic."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static

from bawaba.core.security import CONTENT_SECURITY_POLICY

CORE_STATIC = Path(__file__).resolve().parents[1] / "static" / "core"
TYPOGRAPHY = (CORE_STATIC / "typography.css").read_text()
FONT_FILES = re.findall(r'url\("([^"]+\.woff2)"\)', TYPOGRAPHY)


def test_typography_declares_a_regular_and_a_bold_arabic_face_that_swaps_and_covers_only_arabic():
    faces = re.findall(r"@font-face\s*\{([^}]*)\}", TYPOGRAPHY)
    assert sorted(re.search(r"font-weight:\s*(\d+)", face)[1] for face in faces) == ["400", "700"]
    for face in faces:
        assert "font-display: swap" in face
        unicode_range = re.search(r"unicode-range:([^;]*);", face)[1]
        assert "U+0600-06FF" in unicode_range  # the Arabic block, with ، ؛ ؟
        assert "U+0000" not in unicode_range and "U+0041" not in unicode_range  # Latin keeps the system face


@pytest.mark.parametrize("relative", FONT_FILES)
def test_each_font_file_ships_beside_its_licence_and_is_a_woff2(relative):
    path = CORE_STATIC / relative
    assert path.read_bytes()[:4] == b"wOF2"
    assert "SIL Open Font License" in (path.parent / "OFL.txt").read_text()
    assert finders.find(f"core/{relative}") == str(path)


@pytest.mark.django_db
@pytest.mark.parametrize("relative", FONT_FILES)
def test_whitenoise_serves_the_fonts_with_a_year_long_immutable_cache(client, relative):
    response = client.get(static(f"core/{relative}"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "font/woff2"
    cache = response.headers["Cache-Control"]
    max_age = int(re.search(r"max-age=(\d+)", cache)[1])
    assert max_age >= 365 * 24 * 3600 and "immutable" in cache and "public" in cache


@pytest.mark.django_db
def test_the_stylesheet_itself_is_not_cached_for_long(client):
    # Not versioned by its name: a change must reach browsers within a minute.
    response = client.get(static("core/typography.css"))
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")


def test_the_content_security_policy_lets_the_site_load_its_own_fonts():
    directives = dict(directive.split(" ", 1) for directive in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["font-src"] == "'self'"


@pytest.mark.django_db
def test_every_page_links_the_typography_after_the_main_stylesheet(client):
    html = client.get("/ar/").content.decode()
    assert html.index(static("core/bawaba.css")) < html.index(static("core/typography.css"))


def test_arabic_text_is_never_set_in_italics():
    # bawaba.css may slant Latin text (.empty); typography.css makes every slanted thing upright in Arabic.
    slanted = re.findall(
        r"([^{}]+)\{[^}]*font-style:\s*(?:italic|oblique)", (CORE_STATIC / "bawaba.css").read_text()
    )
    upright_in_arabic = TYPOGRAPHY
    for selector in slanted:
        for part in selector.split(","):
            assert f"{part.strip()}:lang(ar)" in upright_in_arabic, f"{part.strip()} is slanted in Arabic"
    for element in ("em", "i", "cite", "dfn", "var", "address"):
        assert re.search(rf":is\([^)]*\b{element}\b[^)]*\):lang\(ar\) \{{ font-style: normal", TYPOGRAPHY), (
            element
        )
