"""ClamAV's INSTREAM protocol: against a fake clamd over TCP and a UNIX socket, and against the real clamd with the
EICAR test string where clamd is installed."""

import pytest
from django.test import override_settings

from bawaba.core.models import AuditEvent
from bawaba.documents.models import ScanState, StoredDocument
from bawaba.documents.scanning import ScanResult, Verdict, parse_reply, scan_bytes
from bawaba.documents.services.files import keep_upload, rescan
from bawaba.documents.tests import samples
from bawaba.documents.validation import DocumentRefused, Reason

LARGE_CLEAN = bytes(range(256)) * 2000  # several INSTREAM chunks


@pytest.mark.parametrize("server", ["fake_clamd_tcp", "fake_clamd_unix"])
def test_the_fake_clamd_finds_eicar_over_tcp_and_a_unix_socket(request, server):
    address = request.getfixturevalue(server)
    assert scan_bytes(samples.EICAR, address=address, timeout=10) == ScanResult(
        Verdict.INFECTED, "Eicar-Test-Signature"
    )
    assert scan_bytes(LARGE_CLEAN + samples.EICAR, address=address, timeout=10).verdict == Verdict.INFECTED
    assert scan_bytes(LARGE_CLEAN, address=address, timeout=10) == ScanResult(Verdict.CLEAN)


def test_the_real_clamd_finds_eicar_and_passes_a_clean_file(real_clamd):
    assert scan_bytes(samples.EICAR, address=real_clamd, timeout=30) == ScanResult(
        Verdict.INFECTED, "Eicar-Test-Signature.UNOFFICIAL"
    )
    assert scan_bytes(samples.pdf(), address=real_clamd, timeout=30) == ScanResult(Verdict.CLEAN)


def test_an_unreachable_clamd_is_an_error_verdict_not_an_exception(tmp_path):
    assert scan_bytes(b"x", address=str(tmp_path / "no-such.sock"), timeout=1).verdict == Verdict.ERROR
    assert scan_bytes(b"x", address="not an address", timeout=1).verdict == Verdict.ERROR


@pytest.mark.parametrize(
    "reply, result",
    [
        ("stream: OK", ScanResult(Verdict.CLEAN)),
        ("stream: Win.Test.EICAR_HDB-1 FOUND", ScanResult(Verdict.INFECTED, "Win.Test.EICAR_HDB-1")),
        (
            "INSTREAM size limit exceeded. ERROR",
            ScanResult(Verdict.ERROR, "INSTREAM size limit exceeded. ERROR"),
        ),
        ("", ScanResult(Verdict.ERROR, "")),
    ],
)
def test_clamd_replies_are_read(reply, result):
    assert parse_reply(reply) == result


@pytest.mark.django_db
def test_with_scanning_on_a_clean_upload_is_kept_as_clean(fake_clamd_unix):
    with override_settings(BAWABA_CLAMD_ADDRESS=fake_clamd_unix):
        document = keep_upload(upload=samples.pdf())
    assert document.scan_state == ScanState.CLEAN and document.scanned_at and document.can_be_opened


@pytest.mark.django_db
def test_a_flagged_upload_is_refused_not_kept_and_audited(flagging_clamd):
    with override_settings(BAWABA_CLAMD_ADDRESS=flagging_clamd), pytest.raises(DocumentRefused) as refused:
        keep_upload(upload=samples.pdf())
    assert refused.value.reason == Reason.INFECTED
    assert not StoredDocument.objects.exists()
    event = AuditEvent.objects.get(action="document.refused_infected")
    assert event.data["signature"] == "Eicar-Test-Signature"


@pytest.mark.django_db
def test_a_failed_scan_keeps_the_file_closed_until_a_rescan_says_clean(tmp_path, fake_clamd_tcp):
    with override_settings(BAWABA_CLAMD_ADDRESS=str(tmp_path / "clamd-is-down.sock")):
        document = keep_upload(upload=samples.image())
    assert document.scan_state == ScanState.FAILED and not document.can_be_opened
    assert "unreachable" in document.scan_detail
    with override_settings(BAWABA_CLAMD_ADDRESS=fake_clamd_tcp):
        rescan(document=document)
    document.refresh_from_db()
    assert document.scan_state == ScanState.CLEAN and document.can_be_opened
    assert AuditEvent.objects.filter(action="document.scanned", target_id=str(document.pk)).exists()


@pytest.mark.django_db
def test_the_rescan_command_clears_failed_documents_and_leaves_clean_ones(tmp_path, fake_clamd_tcp):
    from io import StringIO

    from django.core.management import CommandError, call_command

    with override_settings(BAWABA_CLAMD_ADDRESS=str(tmp_path / "down.sock")):
        failed = keep_upload(upload=samples.pdf())
    with override_settings(BAWABA_CLAMD_ADDRESS=fake_clamd_tcp):
        clean = keep_upload(upload=samples.image())
        scanned_at = clean.scanned_at
        out = StringIO()
        call_command("rescan_documents", stdout=out)
    assert out.getvalue().strip() == "clean: 1"
    failed.refresh_from_db()
    clean.refresh_from_db()
    assert failed.scan_state == ScanState.CLEAN and clean.scanned_at == scanned_at
    with pytest.raises(CommandError):
        call_command("rescan_documents")  # scanning off
