"""The enrolment's QR code as inline SVG markup, drawn here: no external service sees the key, and the strict CSP
(img-src 'self', no inline styles) allows an inline <svg> whose colours are presentation attributes."""

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str, *, title: str) -> SafeString:
    code = segno.make(data, error="m", micro=False)
    # svg_inline: no XML declaration; the path's colour is a `stroke` attribute (no style attribute, no <style>).
    svg = code.svg_inline(
        scale=4, border=4, title=title, svgclass="qr-code", lineclass=None, omitsize=False, light="#fff"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup; the title is escaped by segno
