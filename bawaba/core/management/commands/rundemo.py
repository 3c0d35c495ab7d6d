"""Serve the demo: the web application (gunicorn), the task worker and a local SMTP sink, until Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

# Printed at start: the demo's accounts are created by generate_demo with these fixed, public passwords.
DEMO_ACCOUNTS_HINT = "Demo accounts: see the output of `manage.py generate_demo`."


class Command(BaseCommand):
    help = "Run the demo platform: web server, task worker and SMTP sink, all stopped together."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")

    def handle(self, *args, host: str, port: int, workers: int, **options):
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        env = {**os.environ, "BAWABA_LOCAL": "1", "BAWABA_DEMO_MAILBOX": "1"}
        processes = {
            "smtp": [
                sys.executable, "-m", "bawaba.notifications.smtp_sink",
                "--port", str(settings.EMAIL_PORT), "--dir", str(settings.BAWABA_MAIL_SINK_DIR),
            ],
            "worker": [sys.executable, manage, "db_worker", "--no-startup-delay"],
            # Retries that are due and e-mails whose enqueue was lost: what cron does every minute in production.
            "outbox": [sys.executable, manage, "send_due_notifications", "--every", "30"],
            # The indicators' summary figures (dashboard, open data, API), as cron would every few minutes.
            "indicators": [sys.executable, manage, "refresh_indicators", "--every", "300"],
            # Mass e-mail (mailings): batches claimed from the database, sent over one SMTP connection each.
            "mailings": [sys.executable, manage, "send_mailings"],
            "web": [
                sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"{host}:{port}",
                "--workers", str(workers), "--threads", "4", "--access-logfile", "-",
                # One control socket per user by default: two demos on a machine would fight over it.
                "--no-control-socket",
            ],
        }  # fmt: skip
        # Our own interpreter and fixed arguments: nothing here comes from user input.
        running = {
            name: subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603
            for name, command in processes.items()
        }
        base = f"http://{host}:{port}"
        self.stdout.write(
            self.style.SUCCESS(f"Bawaba demo at {base}/  (Arabic: {base}/ar/, French: {base}/fr/)")
            + f"\nDemo mailbox: {base}/fr/demo/mailbox/ (SMTP sink on {settings.EMAIL_HOST}:{settings.EMAIL_PORT})"
            + f"\nAdministration: {base}/fr/admin/\n{DEMO_ACCOUNTS_HINT}\nCtrl-C stops everything."
        )
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        while not stopping:
            for name, process in running.items():
                if process.poll() is not None:
                    self.stderr.write(
                        f"{name} stopped with exit code {process.returncode}; stopping the demo."
                    )
                    exit_code, stopping = 1, True
                    break
            time.sleep(0.5)
        for process in running.values():
            if process.poll() is None:
                process.terminate()
        for process in running.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        sys.exit(exit_code)
