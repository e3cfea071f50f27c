import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from applicants import fees
from applicants.models import Fee
from casework.demo import post_staff, seed_accounts
from queueing.demo import seed_offices

# Settings modules that are development or tests by design; any other one must say so itself.
DEVELOPMENT_SETTINGS = ("mpaspor.settings.base", "mpaspor.settings.test")


def settings_module() -> str:
    # Under override_settings (the test suite) settings.SETTINGS_MODULE reads None.
    return settings.SETTINGS_MODULE or os.environ.get("DJANGO_SETTINGS_MODULE", "")


def demo_data_allowed() -> bool:
    """Demo accounts have published passwords: only a development or test installation gets them.

    A settings module decides with DEMO_DATA_ALLOWED (production.py: False); one that does not
    say is allowed only if it is development or test by name, or runs with DEBUG on.
    """
    allowed = getattr(settings, "DEMO_DATA_ALLOWED", None)
    if allowed is not None:
        return bool(allowed)
    return settings.DEBUG or settings_module() in DEVELOPMENT_SETTINGS


class Command(BaseCommand):
    help = "Load demo data: staff and applicant accounts, offices, sessions, fees. Safe to run again."

    def handle(self, *args, **options):
        if not demo_data_allowed():
            raise CommandError(
                f"seed_demo refused under {settings_module() or 'these settings'}: not a development installation. "
                "Demo data creates staff accounts with published passwords; load it only with "
                "mpaspor.settings.base (manage.py's default) or the test settings."
            )
        self._seed()

    @transaction.atomic
    def _seed(self):
        fees.load_pp_45_2024(Fee)
        accounts = seed_accounts()
        offices = seed_offices(days=30)
        post_staff(offices)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ with:"))
        for email, password, role in accounts:
            self.stdout.write(f"  {role:<18} {email:<28} {password}")
        self.stdout.write(f"{len(offices)} offices with sessions for the next 30 days.")
        release = _open_demo_draw(offices)
        if release is not None:
            self.stdout.write(
                f"The quota draw for {release.office.code} on {release.date} takes entries until "
                f"{release.closes_at.astimezone(release.office.zone):%H:%M} ({release.office.zone_abbreviation})."
            )


def _open_demo_draw(offices):
    """A draw open for entries on the first office's newest day, so the draw can be tried at once."""
    from datetime import timedelta

    from django.utils import timezone

    from queueing import releases
    from queueing.selectors import bookable_window

    office = next((o for o in offices if o.opening_mode == "draw"), None)
    if office is None:
        return None
    day = bookable_window(office)[1]
    return releases.release_open(office=office, day=day, opens_at=timezone.now() - timedelta(minutes=1), minutes=120)
