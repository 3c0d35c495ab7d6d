"""The national final lists as files made by a worker (bawaba.notifications.files): 860,000 lines at national
scale take two minutes as CSV and over three as XLSX, beyond any web request. A province's list stays a direct
download (a few thousand lines)."""

from collections.abc import Mapping
from typing import IO, Any

from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from bawaba.accounts.permissions import APPLICATION_READERS
from bawaba.accounts.scopes import Scope, has_role
from bawaba.campaigns.access import staff_scope
from bawaba.campaigns.models import Campaign
from bawaba.core.contributions import FileKind, Registry
from bawaba.interviews.final_exports import write_csv, write_xlsx
from bawaba.interviews.final_lists import export_lines, field_run, final_provinces

NATIONAL_CSV = "interviews.final_list_csv"
NATIONAL_XLSX = "interviews.final_list_xlsx"


def may_read_national(user: Any, params: Mapping[str, Any]) -> bool:
    """A central administrator (the national lists hold every agent's CIN and name)."""
    return has_role(user, *APPLICATION_READERS) and staff_scope(user).national


def _lines(params: Mapping[str, Any]):
    campaign = Campaign.objects.get(slug=params["campaign"])
    run = field_run(campaign)
    if run is None:
        raise ValueError(f"{campaign.slug}: no published final run")
    return export_lines(run, final_provinces(Scope(national=True)))


def build_national_csv(params: Mapping[str, Any], out: IO[bytes]) -> int:
    return write_csv(_lines(params), out)


def build_national_xlsx(params: Mapping[str, Any], out: IO[bytes]) -> int:
    return write_xlsx(_lines(params), out, title=_("Final list"), right_to_left=get_language_bidi())


def register(registry: Registry) -> None:
    registry.add_file_kind(
        FileKind(
            key=NATIONAL_CSV,
            label=gettext_lazy("National final list (CSV)"),
            extension="csv",
            content_type="text/csv; charset=utf-8",
            build=build_national_csv,
            may_read=may_read_national,
        )
    )
    registry.add_file_kind(
        FileKind(
            key=NATIONAL_XLSX,
            label=gettext_lazy("National final list (XLSX)"),
            extension="xlsx",
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            build=build_national_xlsx,
            may_read=may_read_national,
        )
    )
