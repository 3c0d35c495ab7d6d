"""What the training adds to pages of other apps, registered in TrainingConfig.ready(): its notices (an e-mail
kind each, whose text each campaign may set), her reply and her progress on the dashboard, its staff pages, and its
indicators (invited, replies, progress)."""

from django.utils.translation import gettext_lazy as _

from bawaba.accounts.permissions import APPLICATION_READERS, holds_any
from bawaba.core.contributions import DASHBOARD_NOW, EmailKind, Indicator, Registry, Section, StaffMenuEntry
from bawaba.training import indicators
from bawaba.training.models import NoticeKind
from bawaba.training.progress_section import progress_sections
from bawaba.training.reply_section import reply_sections


# Every notice of the stage is written by the same templates: the mailing's context carries the campaign's texts
# (bawaba.training.notices), and the templates fill them in for each recipient. Each notice is its own kind all the
# same, so that the e-mail indicators count them apart (the source lists the invitation of the preselected, the
# waiting-list notice and the reminder as e-mails of their own). TRAINING_NOTICE is the one kind that mailings
# written before carry: registered still, so that they are sent and counted.
def _notice_kind(key: str, label) -> EmailKind:
    return EmailKind(
        key=key,
        label=label,
        template_prefix="training/emails/notice",
        # A temporary password leaves the database with the message that carries it.
        secret_context=("password",),
    )


TRAINING_NOTICE = _notice_kind("training_notice", _("Training notice"))
NOTICE_EMAIL_KINDS: dict[str, EmailKind] = {
    str(notice): _notice_kind(f"training_{notice.value}", notice.label) for notice in NoticeKind
}


# By area, all five count where the candidate lives (bawaba.training.indicators says why).
INDICATORS = (
    Indicator(
        key="training.invited",
        name=_("Invited to the remote training"),
        definition=_(
            "Candidates of the campaign issued an account on the e-learning platform, with their invitation: the "
            "preselected and those promoted from a waiting list since, including those who left since. By area: "
            "where she lives; by category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.invited,
        order=210,
    ),
    Indicator(
        key="training.accepted",
        name=_("Training places accepted"),
        definition=_(
            "Candidates of the campaign whose answer to their training place is, today, that they accept it. By "
            "area: where she lives; by category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.accepted,
        order=220,
    ),
    Indicator(
        key="training.declined",
        name=_("Training places declined"),
        definition=_(
            "Candidates of the campaign who declined their training place (having accepted it first or not); "
            "those released for not answering by the reply deadline are not counted. By area: where she lives; by "
            "category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.declined,
        order=230,
    ),
    Indicator(
        key="training.started",
        name=_("Remote training started"),
        definition=_(
            "Candidates of the campaign invited to the remote training whose first access the e-learning "
            "platform reported, in its last imported completion report. By area: where she lives; by category: the "
            "one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.started,
        order=240,
    ),
    Indicator(
        key="training.completed",
        name=_("Remote training completed"),
        definition=_(
            "Candidates of the campaign invited to the remote training whose completion the e-learning platform "
            "reported as full (100 per cent), in its last imported completion report. By area: where she lives; by "
            "category: the one she declared."
        ),
        unit=_("candidates"),
        dimensions=indicators.DIMENSIONS,
        compute=indicators.completed,
        order=250,
    ),
)


def register(registry: Registry) -> None:
    registry.add_email_kind(TRAINING_NOTICE)
    for kind in NOTICE_EMAIL_KINDS.values():
        registry.add_email_kind(kind)
    for indicator in INDICATORS:
        registry.add_indicator(indicator)
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
