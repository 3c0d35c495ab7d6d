"""Printable PDFs of lists (a session's candidates, the final list for posting): a template rendered to HTML in
the reader's language, then laid out by WeasyPrint (decision 0026), which shapes Arabic and sets it right to
left with the site's own Arabic typeface, embedded (no font of the reader's machine is needed to print it)."""

from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation

ARABIC_FONTS = {
    400: "core/fonts/noto-naskh-arabic-5.3.0/arabic-400-normal.woff2",
    700: "core/fonts/noto-naskh-arabic-5.3.0/arabic-700-normal.woff2",
}


def _font_urls() -> dict[int, str]:
    """file:// URLs of the typeface's files, found where the static files are (app folders or STATIC_ROOT)."""
    urls = {}
    for weight, path in ARABIC_FONTS.items():
        found = finders.find(path)
        if found:
            urls[weight] = Path(found if isinstance(found, str) else found[0]).resolve().as_uri()
    return urls


def render_pdf(template: str, context: dict[str, Any], *, language: str) -> bytes:
    """The PDF of `template` (which extends core/print/base.html) in `language`."""
    from PIL import ImageFile

    truncated_allowed = ImageFile.LOAD_TRUNCATED_IMAGES
    import weasyprint  # type: ignore[import-untyped]  # loaded here: it loads Pango, only printing needs it

    # WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when it is imported; the uploads'
    # checks (bawaba.documents) must refuse truncated images in any process, so the setting is put back.
    ImageFile.LOAD_TRUNCATED_IMAGES = truncated_allowed

    with translation.override(language):
        html = render_to_string(template, {**context, "print_fonts": _font_urls()})
    return weasyprint.HTML(string=html).write_pdf()
