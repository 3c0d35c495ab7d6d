"""`manage.py rundemo` really starts the web server, the task worker and the SMTP sink, and stops them together."""

import os
import signal
import smtplib
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bawaba.notifications.smtp_sink import free_port

ROOT = Path(__file__).resolve().parents[3]


def _wait_for(url: str, process: subprocess.Popen, attempts: int = 300) -> int:
    for _ in range(attempts):
        if process.poll() is not None:
            raise AssertionError(f"rundemo exited early with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback server
                return response.status
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_rundemo_serves_the_platform_with_its_worker_and_mail_sink(tmp_path):
    web_port, smtp_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        BAWABA_LOCAL="1",
        BAWABA_VAR_DIR=str(tmp_path),
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        EMAIL_PORT=str(smtp_port),
    )
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)

    demo = subprocess.Popen(  # noqa: S603
        [*manage, "rundemo", "--port", str(web_port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert _wait_for(f"http://127.0.0.1:{web_port}/healthz", demo) == 200
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=10) as smtp:
            smtp.sendmail("a@example.ma", ["b@example.ma"], b"Subject: hello\r\n\r\nbody\r\n")
        assert len(list((tmp_path / "mailbox").glob("*.eml"))) == 1
        for worker in ("db_worker", "send_mailings"):
            running = subprocess.run(
                ["pgrep", "-f", worker, "-s", str(os.getpgid(demo.pid))], capture_output=True
            )
            assert running.returncode == 0, f"the worker {worker} is not running"
    finally:
        demo.send_signal(signal.SIGINT)
        output = demo.communicate(timeout=60)[0].decode()

    assert "Bawaba demo at" in output
    # Nothing of the demo survives it: no process is left in its session.
    leftover = subprocess.run(["pgrep", "-s", str(demo.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
