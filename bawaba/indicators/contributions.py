"""What the indicators app registers itself, in IndicatorsConfig.ready(): the e-mail indicators, which count rows
of the notifications app joined to the campaigns' applications (bawaba.indicators.email_indicators): no stage app
owns them, and this app is the one above both."""

from django.utils.translation import gettext_lazy as _

from bawaba.core.contributions import Indicator, Registry
from bawaba.indicators import email_indicators

INDICATORS = (
    Indicator(
        key="emails.sent",
        name=_("E-mails sent"),
        definition=_(
            "E-mails handed to the mail server, single messages and mass mailings' messages alike, to people with "
            "an application submitted to the campaign (withdrawn since or not); every e-mail of their account "
            "counts, its confirmation included. By kind: the kind of e-mail; by area: where the candidate lives, "
            "according to that application."
        ),
        unit=_("e-mails"),
        dimensions=email_indicators.DIMENSIONS,
        compute=email_indicators.sent,
        order=610,
    ),
    Indicator(
        key="emails.waiting",
        name=_("E-mails waiting"),
        definition=_(
            "E-mails not sent yet and not given up, to people with an application submitted to the campaign: "
            "queued, held in a mailing kept as a draft or paused, to be tried again after a temporary failure, or "
            "being sent right now. Cancelled messages are not counted. By kind: the kind of e-mail; by area: "
            "where the candidate lives, according to that application."
        ),
        unit=_("e-mails"),
        dimensions=email_indicators.DIMENSIONS,
        compute=email_indicators.waiting,
        order=620,
    ),
    Indicator(
        key="emails.failed",
        name=_("E-mails failed"),
        definition=_(
            "E-mails given up for good, to people with an application submitted to the campaign: refused by the "
            "receiving server, or still failing after the last retry. By kind: the kind of e-mail; by area: where "
            "the candidate lives, according to that application."
        ),
        unit=_("e-mails"),
        dimensions=email_indicators.DIMENSIONS,
        compute=email_indicators.failed,
        order=630,
    ),
)


def register(registry: Registry) -> None:
    for indicator in INDICATORS:
        registry.add_indicator(indicator)
