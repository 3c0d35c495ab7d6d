"""`manage.py demo_totp <e-mail>`: the code a demo staff account's authenticator shows now, for trying the staff
pages without a phone. Local checkouts only, demo staff accounts only (their keys are public)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from bawaba.demo.services import DEMO_STAFF_ACCOUNTS


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo staff account (local checkouts only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="a demo staff account, e.g. admin@demo.bawaba.ma")

    def handle(self, *args, email: str, **options):
        if not settings.BAWABA_LOCAL:
            raise CommandError(
                "This is a production run (docs/decisions/0005-local-unless-deployed.md): demo codes are printed "
                "on a local checkout only."
            )
        account = next((a for a in DEMO_STAFF_ACCOUNTS if a.email == email.strip().lower()), None)
        if account is None:
            raise CommandError(
                f"{email!r} is not a demo staff account ({', '.join(a.email for a in DEMO_STAFF_ACCOUNTS)})."
            )
        # Only the demo's own key: an account someone enrolled with a real phone keeps its codes to itself.
        device = TOTPDevice.objects.filter(
            user__email=account.email, confirmed=True, key=account.authenticator_key
        ).first()
        if device is None:
            raise CommandError(f"{account.email} has no demo authenticator: run `make demo-data` first.")
        generator = TOTP(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        self.stdout.write(f"{generator.token():0{device.digits}d}")
