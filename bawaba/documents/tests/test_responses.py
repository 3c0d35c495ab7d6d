"""The response that serves a stored document: its headers, alone and through the site's security middleware."""

import pytest
from django.test import RequestFactory

from bawaba.core.security import SecurityHeadersMiddleware
from bawaba.documents.models import ScanState
from bawaba.documents.responses import DocumentNotOpenable, content_disposition, document_response
from bawaba.documents.services.files import keep_upload
from bawaba.documents.tests import samples


@pytest.fixture
def stored_pdf(db, any_storage):
    return keep_upload(upload=samples.pdf(pages=2), storage=any_storage), any_storage


def body(response) -> bytes:
    content = b"".join(response.streaming_content)
    response.close()
    return content


def test_a_pdf_is_served_inline_with_its_type_no_sniffing_no_caching_and_no_scripts(stored_pdf):
    document, storage = stored_pdf
    response = document_response(document, label="Carte nationale", storage=storage)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename=\"Carte nationale.pdf\"; filename*=UTF-8''Carte%20nationale.pdf"
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert int(response["Content-Length"]) == document.size
    assert body(response).startswith(b"%PDF-")


@pytest.mark.django_db
def test_an_image_may_be_downloaded_as_an_attachment(filesystem_storage):
    document = keep_upload(upload=samples.jpeg_with_gps(), storage=filesystem_storage)
    response = document_response(document, label="Photo", as_attachment=True, storage=filesystem_storage)
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith('attachment; filename="Photo.jpg"')
    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert body(response)[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize(
    "label, expected",
    [
        (
            "البطاقة الوطنية",
            "attachment; filename=\"document.pdf\"; filename*=UTF-8''"
            "%D8%A7%D9%84%D8%A8%D8%B7%D8%A7%D9%82%D8%A9%20%D8%A7%D9%84%D9%88%D8%B7%D9%86%D9%8A%D8%A9.pdf",
        ),
        (
            "Diplôme d'État",
            "attachment; filename=\"Diplome dEtat.pdf\"; filename*=UTF-8''Dipl%C3%B4me%20d%C3%89tat.pdf",
        ),
        (
            '../../etc/"passwd"\r\nSet-Cookie: x=1',
            'attachment; filename="etcpasswdSet-Cookie x1.pdf"; '
            "filename*=UTF-8''etcpasswdSet-Cookie%20x1.pdf",
        ),
        ("\x00\x1b", "attachment; filename=\"document.pdf\"; filename*=UTF-8''document.pdf"),
    ],
)
def test_the_download_name_is_built_safe_in_ascii_and_in_utf_8(label, expected):
    header = content_disposition(label, ".pdf", as_attachment=True)
    assert header == expected
    assert header.isascii() and "\r" not in header and "\n" not in header and "/" not in header


@pytest.mark.django_db
@pytest.mark.parametrize("state", [ScanState.PENDING, ScanState.INFECTED, ScanState.FAILED])
def test_a_document_the_antivirus_has_not_cleared_is_not_served(filesystem_storage, state):
    document = keep_upload(upload=samples.pdf(), storage=filesystem_storage)
    document.scan_state = state
    with pytest.raises(DocumentNotOpenable):
        document_response(document, label="x", storage=filesystem_storage)


@pytest.mark.django_db
def test_the_site_middleware_keeps_the_documents_policy_and_adds_no_caching(filesystem_storage, candidate):
    document = keep_upload(upload=samples.image(), storage=filesystem_storage)
    request = RequestFactory().get("/any/")
    request.user = candidate
    middleware = SecurityHeadersMiddleware(
        lambda request: document_response(document, label="x", storage=filesystem_storage)
    )
    response = middleware(request)
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    assert response["Content-Security-Policy"].endswith("sandbox")
    assert "no-store" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response)[:8] == b"\x89PNG\r\n\x1a\n"
