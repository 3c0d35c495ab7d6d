"""What a newcomer needs to try the demo, printed by `make demo` and `make serve` before the server starts."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from bawaba.accounts.twofactor.codes import base32_key, grouped
from bawaba.demo.competition import demo_competition
from bawaba.demo.selectors import demo_campaign, published_preselection
from bawaba.demo.services import CANDIDATE, DEMO_ACCOUNTS, DEMO_STAFF_ACCOUNTS, SUPERVISOR
from bawaba.documents.models import Dossier
from bawaba.indicators.models import SummaryRefresh


class Command(BaseCommand):
    help = "Print the demo's address, accounts, open competition, mailbox, public report and audit command."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, host: str, port: int, **options):
        base = f"http://{host}:{port}"
        census, competition, run = demo_campaign(), demo_competition(), published_preselection()
        lines = [
            "",
            "━━ Bawaba demo ━━",
            f"Address:            {base}/ar/ (Arabic, right to left)   {base}/fr/ (French)",
            f"Demo mailbox:       {base}/fr/demo/mailbox/   (every e-mail the demo sends, to any address)",
        ]
        if competition is not None:
            closes = timezone.localtime(competition.registration_closes_at).strftime("%Y-%m-%d %H:%M")
            lines += [
                f"Open competition:   {base}/fr/campaigns/{competition.slug}/",
                f"  {competition.title_fr} — registration open until {closes} (Casablanca time).",
                "  Try it: create an account, open its link in the demo mailbox and choose your password, apply, submit.",
            ]
        if census is not None:
            lines.append(f"Census campaign:    {base}/fr/campaigns/{census.slug}/")
            if run is not None:
                published = timezone.localtime(run.published_at).strftime("%Y-%m-%d")
                lines += [
                    f"  Preselection published on {published}; public report, no personal data:",
                    f"  {base}/fr/campaigns/{census.slug}/selection/preselection/",
                    f"  Audit it (recomputes the run from its frozen inputs): .venv/bin/python manage.py "
                    f"verify_selection {run.pk}",
                ]
            else:
                lines.append("  Preselection not published yet (`make demo-data` publishes it).")
        else:
            lines.append("No demo data yet: run `make demo-data` (or `make demo`).")
        lines.append("Demo accounts (public passwords: they exist only in this demo data set):")
        lines += [f"  {a.email:<28} {a.password:<22} {a.description}" for a in DEMO_ACCOUNTS]
        if settings.BAWABA_LOCAL:
            lines.append(
                "Staff sign in with a second factor. Add a key to an authenticator app (time-based, 6 digits), or "
                "print the current code with `.venv/bin/python manage.py demo_totp <e-mail>`:"
            )
            lines += [
                f"  {a.email:<28} {grouped(base32_key(a.authenticator_key))}" for a in DEMO_STAFF_ACCOUNTS
            ]
        lines += [
            f"  Sign in as the candidate to read her preselection decision explained: {base}/fr/me/",
            f"  Her invitation to the remote training, in the demo mailbox: {base}/fr/demo/mailbox/?to={CANDIDATE.email}",
            "  (accept or decline the place on her dashboard; her progress comes from the demo's completion report)",
            f"  The remote training's staff pages (notices, hand-over file, replies, progress, reminders): "
            f"{base}/fr/staff/training/",
            *self._documents_lines(base, census),
            *self._indicators_lines(base, census),
            f"  Staff pages, as the administrator: {base}/fr/staff/",
            f"  Django admin: {base}/fr/admin/",
            "",
        ]
        self.stdout.write("\n".join(lines))

    @staticmethod
    def _indicators_lines(base: str, census) -> list[str]:
        """The indicators' pages, once `make demo-data` has counted them (refresh_indicators)."""
        if (
            census is None
            or not SummaryRefresh.objects.filter(campaign=census, refreshed_at__isnull=False).exists()
        ):
            return []
        return [
            f"  The campaign's indicators (national as the administrator, Kénitra as {SUPERVISOR.email}; CSV, XLSX): "
            f"{base}/fr/staff/indicators/{census.slug}/",
            f"  Its open data, small counts suppressed: {base}/ar/campaigns/{census.slug}/open-data/ "
            f"(CSV and JSON there); the public API and its documentation: {base}/api/v1/docs",
        ]

    @staticmethod
    def _documents_lines(base: str, census) -> list[str]:
        """The supporting documents' pages, once `make demo-data` has asked for them (demo_documents)."""
        if census is None or not Dossier.objects.filter(campaign=census).exists():
            return []
        return [
            "  Supporting documents: the candidate uploads hers from her dashboard (her dossier awaits them): "
            f"{base}/fr/me/",
            f"  The supervisor's review queue (Kénitra): {base}/fr/staff/documents/{census.slug}/review/",
            f"  The figures (uploaded, examined, accepted, rejected, under examination, decisions per day): "
            f"{base}/fr/staff/documents/{census.slug}/figures/ (also on each staff member's home)",
            f"  Interviews: who is called, per province, with the reason for anyone left out: "
            f"{base}/fr/staff/interviews/{census.slug}/called/; sessions and convocations: "
            f"{base}/fr/staff/interviews/{census.slug}/sessions/ (the supervisor sets one up and convokes); "
            f"the calling rules and the interview grid (administrator): {base}/fr/staff/interviews/",
            f"  Today's interviews in Kénitra, on a tablet, as the interviewer: {base}/fr/staff/interviews/scoring/",
            f"  The final selection (field staff), published: its runs {base}/fr/staff/selection/{census.slug}/runs/, "
            f"its public report {base}/fr/campaigns/{census.slug}/selection/field/, the reserve's promotion "
            f"{base}/fr/staff/selection/{census.slug}/promotion/?stage=field; the candidate reads her decision on "
            f"{base}/fr/me/",
            f"  The final lists and the reserve per province (CSV, XLSX, PDF to post): "
            f"{base}/fr/staff/interviews/{census.slug}/final/",
            f"  The in-person training groups, attendance and the field staff export (Kénitra: {SUPERVISOR.email}): "
            f"{base}/fr/staff/fieldwork/{census.slug}/",
            f"  The national lists too long for a request are made by a worker: {base}/fr/staff/files/",
        ]
