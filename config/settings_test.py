"""Test settings: the real settings with the slow or outward-facing parts swapped for fast local ones."""

import os

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")  # noqa: S105 - never used outside tests

from config.settings import *  # noqa: E402,F403
from config.settings import DATABASES  # noqa: E402

# Argon2 at OWASP cost is ~20 ms a hash: right for people, slow for a suite that creates thousands of users.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the test's process; the tests of the worker itself start real db_worker processes.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "documents": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
BAWABA_CLAMD_ADDRESS = ""  # the scanning tests start their own clamd, or a fake one
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns on every request otherwise
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory: the browser tests' live server runs in another thread with its own connection.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test_bawaba.sqlite3")}  # noqa: F405
