"""Test settings: the real settings with the slow or outward-facing parts swapped for fast local ones."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")  # noqa: S105 - never used outside tests
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES  # noqa: E402

# Argon2 at OWASP cost is ~20 ms a hash: right for people, slow for a suite that creates thousands of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the browser tests' live server runs in another thread with its own connection.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_bawaba.sqlite3")}  # noqa: F405
