"""Start-up refuses to run in production without a secret key, and a local run makes one for itself."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _import_settings(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BAWABA_"))}
    env.update({"BAWABA_VAR_DIR": str(tmp_path), **extra})
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(len(s.SECRET_KEY))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_a_secret_key_stops_with_a_clear_message(tmp_path):
    result = _import_settings(tmp_path, DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_a_local_run_generates_a_key_once_and_keeps_it(tmp_path):
    first = _import_settings(tmp_path, BAWABA_LOCAL="1")
    key = (tmp_path / "secret_key").read_text()
    second = _import_settings(tmp_path, BAWABA_LOCAL="1")
    assert first.returncode == second.returncode == 0
    assert int(first.stdout) >= 50
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
