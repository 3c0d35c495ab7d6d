"""A checkout is local unless something says it is deployed: every command works there with nothing exported, and
a production run still refuses to start without its secret key (docs/decisions/0005-local-unless-deployed.md).

Each case imports the settings in a fresh interpreter whose environment holds only what the case sets.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
# What a shell needs to start Python, and nothing Bawaba reads.
_KEPT = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "SYSTEMROOT")


def _run(tmp_path: Path, code: str, **extra: str) -> subprocess.CompletedProcess:
    env = {name: os.environ[name] for name in _KEPT if name in os.environ}
    env.update({"BAWABA_VAR_DIR": str(tmp_path), **extra})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _import_settings(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess:
    return _run(
        tmp_path,
        "import config.settings as s; print(len(s.SECRET_KEY), s.BAWABA_LOCAL, s.SESSION_COOKIE_SECURE)",
        **extra,
    )


def test_a_checkout_with_nothing_exported_is_local_and_django_starts(tmp_path):
    result = _run(
        tmp_path,
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings'; django.setup(); "
        "from django.conf import settings; print(settings.BAWABA_LOCAL, settings.SESSION_COOKIE_SECURE, "
        "settings.DATABASES['default']['ENGINE'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False", "django.db.backends.sqlite3"]
    assert (tmp_path / "secret_key").is_file()


def test_a_local_run_generates_a_key_once_and_keeps_it(tmp_path):
    first = _import_settings(tmp_path)
    key = (tmp_path / "secret_key").read_text()
    second = _import_settings(tmp_path)
    assert first.returncode == second.returncode == 0, first.stderr
    assert int(first.stdout.split()[0]) >= 50
    assert (tmp_path / "secret_key").read_text() == key
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"BAWABA_ENV": "production"}, "BAWABA_ENV=production"),
        ({"ALLOWED_HOSTS": "bawaba.example.ma"}, "ALLOWED_HOSTS"),
        ({"CSRF_TRUSTED_ORIGINS": "https://bawaba.example.ma"}, "CSRF_TRUSTED_ORIGINS"),
        ({"BEHIND_TLS_PROXY": "1"}, "BEHIND_TLS_PROXY"),
        ({"DATABASE_URL": "postgres://bawaba@db.internal:5432/bawaba"}, "DATABASE_URL"),
        # DEBUG does not make a deployment local.
        ({"BAWABA_ENV": "production", "DJANGO_DEBUG": "1"}, "BAWABA_ENV=production"),
        ({"BAWABA_ENV": "production", "BAWABA_LOCAL": "1"}, "BAWABA_ENV=production"),
    ],
)
def test_production_without_a_secret_key_stops_and_says_why(tmp_path, variables, named):
    result = _import_settings(tmp_path, **variables)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr
    assert named in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_with_its_secret_key_starts_with_secure_cookies(tmp_path):
    result = _import_settings(
        tmp_path, BAWABA_ENV="production", DJANGO_SECRET_KEY="x" * 60, ALLOWED_HOSTS="bawaba.example.ma"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["60", "False", "True"]


@pytest.mark.parametrize(
    "variables",
    [
        {"ALLOWED_HOSTS": "localhost,127.0.0.1"},  # as in a copied .env.example
        {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/bawaba"},  # a developer's local PostgreSQL
        {"DATABASE_URL": "sqlite:////tmp/bawaba.sqlite3"},
        {"BAWABA_ENV": "local", "ALLOWED_HOSTS": "demo.example.ma"},  # said outright
    ],
)
def test_local_settings_are_not_taken_for_a_deployment(tmp_path, variables):
    result = _import_settings(tmp_path, **variables)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1:] == ["True", "False"]


def test_an_unknown_environment_name_is_refused(tmp_path):
    result = _import_settings(tmp_path, BAWABA_ENV="staging")
    assert result.returncode != 0
    assert "BAWABA_ENV must be 'local' or 'production'" in result.stderr
