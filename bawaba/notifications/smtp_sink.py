"""A local SMTP server that keeps every message it receives as an .eml file: real SMTP for the demo and tests.

Run as `python -m bawaba.notifications.smtp_sink --port 8025 --dir var/mailbox`. Nothing is relayed anywhere.
"""

import argparse
import hashlib
import os
import signal
import socket
import threading
import time
import uuid
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def recipient_tag(address: str) -> str:
    """A short digest of a recipient's address, put in the file name of each message to her: the demo mailbox
    lists one person's messages by listing file names, without opening thousands of files (a published
    preselection sends one notice per candidate)."""
    return hashlib.sha256(address.strip().lower().encode("utf-8")).hexdigest()[:12]


class MaildirHandler:
    """Writes each message atomically (temporary name, then rename) so a reader never sees half a file."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's name
        content = envelope.original_content or envelope.content or b""
        if isinstance(content, str):
            content = content.encode("utf-8")
        tag = recipient_tag(envelope.rcpt_tos[0]) if envelope.rcpt_tos else "0" * 12
        name = f"{time.time_ns():020d}-{uuid.uuid4().hex[:8]}-{tag}.eml"
        temporary = self.directory / f".{name}.tmp"
        temporary.write_bytes(content)
        os.replace(temporary, self.directory / name)
        return "250 Message accepted for delivery"


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody listens on now (aiosmtpd's controller cannot bind port 0 itself)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def start_sink(
    *, directory: Path, host: str = "127.0.0.1", port: int = 0, handler: MaildirHandler | None = None
) -> Controller:
    """Start the sink in a background thread; port 0 picks a free port (read it from `controller.port`).

    A test may give its own handler (a MaildirHandler that refuses some recipients, say).
    """
    controller = Controller(handler or MaildirHandler(directory), hostname=host, port=port or free_port(host))
    controller.start()
    return controller


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, default=Path("var/mailbox"))
    args = parser.parse_args()
    controller = start_sink(directory=args.dir, host=args.host, port=args.port)
    print(f"SMTP sink listening on {args.host}:{controller.port}, keeping messages in {args.dir}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
