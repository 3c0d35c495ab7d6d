"""Packages' apps under names in the reader's language: theirs are English only, and the admin shows them (in
capitals, "TASKS DATABASE BACKEND", on its Arabic pages). Same names and labels, so their migrations and tables are
unchanged. Kept apart from apps.py, where a second AppConfig would stop Django from picking CoreConfig by itself.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.apps import DefaultConfig as OtpStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpConfig
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # the package annotates a plain str


class SignInLockoutsConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class RecoveryCodesConfig(OtpStaticConfig):
    verbose_name = _("Second factor: recovery codes")


class AuthenticatorAppsConfig(OtpTotpConfig):
    verbose_name = _("Second factor: authenticator apps")


# django-tasks-db marks its model names for translation but ships no catalogue: ours carries them.
TASKS_DATABASE_NAMES = (gettext_noop("Task Result"), gettext_noop("Task Results"))
