"""ClamAV: a small client of clamd's INSTREAM command, over TCP ("host:port") or a UNIX socket (a path).

Why our own thirty lines rather than a package: the `clamd` package on PyPI was last released in 2014, and the
protocol is one command (docs/decisions/0022-document-validation-libraries.md). The bytes are streamed to clamd,
which never reads our storage, so it may run on another machine.

Scan states of a stored document (`StoredDocument.scan_state`):

* `not_scanned`: scanning is off (BAWABA_CLAMD_ADDRESS empty); the document may be opened;
* `pending`: scanning is on and the scan has not answered yet; nobody may open the document;
* `clean`: clamd found nothing; the document may be opened;
* `infected`: clamd named a signature (kept in `scan_detail`); nobody may open it, it is refused to its sender;
* `failed`: clamd could not be reached or answered an error; nobody may open it until a new scan says `clean`.
"""

import socket
import struct
from dataclasses import dataclass

from django.conf import settings

CHUNK = 64 * 1024


class Verdict:
    CLEAN = "clean"
    INFECTED = "infected"
    ERROR = "error"


@dataclass(frozen=True)
class ScanResult:
    verdict: str
    detail: str = ""  # the signature's name when infected, clamd's or the socket's error otherwise


def scanning_enabled() -> bool:
    return bool(settings.BAWABA_CLAMD_ADDRESS)


def scan_bytes(data: bytes, *, address: str | None = None, timeout: float | None = None) -> ScanResult:
    """Ask clamd about `data`. Never raises for clamd's sake: an unreachable clamd is an ERROR verdict."""
    address = address if address is not None else settings.BAWABA_CLAMD_ADDRESS
    timeout = timeout if timeout is not None else settings.BAWABA_CLAMD_TIMEOUT
    try:
        with _connect(address, timeout) as connection:
            connection.sendall(b"zINSTREAM\0")
            for start in range(0, len(data), CHUNK):
                chunk = data[start : start + CHUNK]
                connection.sendall(struct.pack("!L", len(chunk)) + chunk)
            connection.sendall(struct.pack("!L", 0))
            reply = _read_reply(connection)
    except OSError as error:
        return ScanResult(Verdict.ERROR, f"clamd unreachable: {error}")
    return parse_reply(reply)


def parse_reply(reply: str) -> ScanResult:
    """clamd's answer: `stream: OK`, `stream: <signature> FOUND`, or `<message> ERROR`."""
    if reply.endswith(" FOUND"):
        signature = reply.removesuffix(" FOUND").removeprefix("stream:").strip()
        return ScanResult(Verdict.INFECTED, signature)
    if reply == "stream: OK":
        return ScanResult(Verdict.CLEAN)
    return ScanResult(Verdict.ERROR, reply[:200])


def _connect(address: str, timeout: float) -> socket.socket:
    if address.startswith("/"):
        connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        connection.settimeout(timeout)
        try:
            connection.connect(address)
        except OSError:
            connection.close()
            raise
        return connection
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise OSError(f"BAWABA_CLAMD_ADDRESS must be host:port or a socket path, not {address!r}")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def _read_reply(connection: socket.socket) -> str:
    received = b""
    while not received.endswith(b"\0"):
        chunk = connection.recv(4096)
        if not chunk:
            break
        received += chunk
        if len(received) > 64 * 1024:
            break
    return received.rstrip(b"\0").decode("utf-8", "replace").strip()
