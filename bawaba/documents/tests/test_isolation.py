"""The upload check in a child process: what it answers comes back intact; a bomb, a crash or a runaway loop ends
the child only, and the upload is refused as too complex."""

import io
import os
import signal

import pikepdf
import pytest
from django.test import override_settings
from django.utils import translation

from bawaba.documents.isolation import check_upload
from bawaba.documents.tests import samples
from bawaba.documents.validation import DocumentRefused, Reason


def reason_of(data, **kwargs) -> str:
    with pytest.raises(DocumentRefused) as refused:
        check_upload(data, **kwargs)
    return refused.value.reason


def test_the_childs_answer_comes_back_accepted_or_refused_with_its_parameters():
    accepted = check_upload(samples.pdf(pages=2))
    assert (accepted.media_type, accepted.page_count) == ("application/pdf", 2)
    assert reason_of(samples.pdf_with_javascript()) == Reason.PDF_JAVASCRIPT
    with override_settings(BAWABA_DOCUMENT_MAX_PIXELS=2_000_000), pytest.raises(DocumentRefused) as refused:
        check_upload(samples.image(size=(2000, 1001)))
    assert refused.value.reason == Reason.IMAGE_TOO_MANY_PIXELS
    with translation.override("fr"):
        assert "2 millions" in refused.value.messages[0]


def test_empty_and_oversized_files_are_refused_without_a_child():
    def never(*args, **kwargs):
        raise AssertionError("no child should run")

    assert reason_of(b"", checker=never) == Reason.EMPTY
    with override_settings(BAWABA_DOCUMENT_MAX_BYTES=10):
        assert reason_of(samples.pdf()) == Reason.TOO_LARGE


def crash(data, **limits):
    # Killed as the kernel kills a process out of memory; SIGKILL rather than abort(), whose fault handler would
    # print a traceback into the test run's output.
    os.kill(os.getpid(), signal.SIGKILL)


def allocate_too_much(data, **limits):
    return bytearray(2 * 1024 * 1024 * 1024)


def loop_forever(data, **limits):
    while True:
        pass


def fail(data, **limits):
    raise KeyError("a bug of ours")


def test_a_child_that_crashes_is_a_refusal_and_the_parent_goes_on():
    assert reason_of(samples.pdf(), checker=crash) == Reason.TOO_COMPLEX
    assert check_upload(samples.pdf()).page_count == 1


def test_a_child_that_runs_out_of_memory_or_time_is_a_refusal():
    with override_settings(BAWABA_DOCUMENT_CHECK_MEMORY_MB=512):
        assert reason_of(samples.pdf(), checker=allocate_too_much) == Reason.TOO_COMPLEX
    with override_settings(BAWABA_DOCUMENT_CHECK_SECONDS=1):
        assert reason_of(samples.pdf(), checker=loop_forever) == Reason.TOO_COMPLEX


def test_a_bug_in_the_check_is_raised_not_taken_for_a_refusal():
    with pytest.raises(RuntimeError, match="a bug of ours"):
        check_upload(samples.pdf(), checker=fail)


def test_a_pdf_whose_object_stream_inflates_past_the_ceiling_is_refused():
    """A 70 kB file whose object stream inflates to 64 MB: qpdf needs several times that to read it."""
    document = pikepdf.new()
    document.add_blank_page()
    document.Root.Padding = pikepdf.Dictionary(Text=pikepdf.String(b"A" * (64 * 1024 * 1024)))
    out = io.BytesIO()
    document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    bomb = out.getvalue()
    assert len(bomb) < 100_000
    with override_settings(BAWABA_DOCUMENT_CHECK_MEMORY_MB=300, BAWABA_DOCUMENT_MAX_BYTES=10**6):
        assert reason_of(bomb) in (Reason.TOO_COMPLEX, Reason.PDF_UNREADABLE)
