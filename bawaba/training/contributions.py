"""What the training adds to pages of other apps, registered in TrainingConfig.ready(): its notices (one e-mail
kind whose text each campaign may set), her reply and her progress on the dashboard, and its staff pages."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any
from bawaba.core.contributions import DASHBOARD_NOW, EmailKind, Registry, Section, StaffMenuEntry
from bawaba.training.progress_section import progress_sections
from bawaba.training.reply_section import reply_sections

# Every notice of the stage is this one kind: the mailing's context carries the campaign's texts
# (bawaba.training.notices), and the templates fill them in for each recipient.
TRAINING_NOTICE = EmailKind(
    key="training_notice",
    label=_("Training notice"),
    template_prefix="training/emails/notice",
    # A temporary password leaves the database with the message that carries it.
    secret_context=("password",),
)


def register(registry: Registry) -> None:
    registry.add_email_kind(TRAINING_NOTICE)
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="training.reply",
            template="training/sections/reply.html",
            context=reply_sections,
            order=30,
        )
    )
    registry.add_section(
        Section(
            page=DASHBOARD_NOW,
            key="training.progress",
            template="training/sections/progress.html",
            context=progress_sections,
            order=40,
        )
    )
    registry.add_staff_entry(
        StaffMenuEntry(
            key="training.campaigns",
            label=_("Remote training"),
            url_name="training_staff:campaigns",
            allowed=holds_any(*APPLICATION_READERS),
            order=30,
            description=_(
                "Notices, hand-over to the e-learning platform, replies, progress and reminders of each campaign."
            ),
        )
    )
