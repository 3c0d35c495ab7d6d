"""The upload check run in a child process with a memory and CPU ceiling.

Why: a parser is fed bytes chosen by anyone. A 200 kB PDF whose object stream inflates to 200 MB made qpdf take
10 s and 1.1 GB (measured); at the 5 MB limit that is gigabytes. Parsers also crash on hostile input now and then
(qpdf and Pillow are C and C++). In a child, a bomb or a crash ends the child only: the upload is refused as too
complex, and the web process goes on.

The child is a plain fork of the web process (a few milliseconds, bench/bench_documents.py): it runs the check on
bytes it already holds, sends the result through a pipe and exits without running any clean-up, so it never
touches the database connection or files it inherited. ("forkserver" or "spawn" would start clean, but they import
the web process's main module again in every child: more than a second per upload, measured.)
"""

import multiprocessing
import resource
from collections.abc import Callable
from typing import IO, Any

from django.conf import settings
from django.core.files import File

from bawaba.documents import validation
from bawaba.documents.validation import DocumentRefused, Reason, ValidatedFile, read_at_most

_context = multiprocessing.get_context("fork")


def check_upload(
    upload: bytes | IO[bytes] | File,
    *,
    checker: Callable[..., ValidatedFile] = validation.validate_upload,
) -> ValidatedFile:
    """validate_upload in a child process under the settings' ceilings; raises DocumentRefused as it does, and
    DocumentRefused(TOO_COMPLEX) when the child runs out of memory or time, or dies."""
    max_bytes = settings.BAWABA_DOCUMENT_MAX_BYTES
    data = read_at_most(upload, max_bytes)
    if not data or len(data) > max_bytes:
        return validation.validate_upload(data, max_bytes=max_bytes)  # refused at once, no child needed
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(
        target=_run_in_child,
        args=(
            sender,
            checker,
            data,
            {"max_bytes": max_bytes, "max_pixels": settings.BAWABA_DOCUMENT_MAX_PIXELS},
            settings.BAWABA_DOCUMENT_CHECK_MEMORY_MB * 1024 * 1024,
            settings.BAWABA_DOCUMENT_CHECK_SECONDS,
        ),
        daemon=True,
    )
    child.start()
    sender.close()
    try:
        outcome = receiver.recv() if receiver.poll(settings.BAWABA_DOCUMENT_CHECK_SECONDS + 5) else None
    except EOFError:  # the child died before answering: out of memory, out of CPU time, or a crash
        outcome = None
    finally:
        receiver.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()
    if outcome is None:
        raise DocumentRefused(Reason.TOO_COMPLEX)
    kind, value = outcome
    if kind == "accepted":
        return value
    if kind == "refused":
        reason, params = value
        raise DocumentRefused(reason, **params)
    raise RuntimeError(f"the upload check failed in its child process: {value}")


def _run_in_child(
    sender: Any, checker: Callable[..., ValidatedFile], data: bytes, limits: dict, memory: int, cpu: int
):
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        outcome: tuple[str, Any] = ("accepted", checker(data, **limits))
    except DocumentRefused as refused:
        outcome = ("refused", (refused.reason, refused.params or {}))
    except MemoryError:
        outcome = ("refused", (Reason.TOO_COMPLEX, {}))
    except Exception as error:  # a bug of ours: the parent raises it, it is not a refusal
        outcome = ("error", repr(error))
    sender.send(outcome)
    sender.close()
