"""Open the draw of one office-day by hand (an operator releasing a day outside the clock)."""

import json
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.audit import log_action
from queueing import releases
from queueing.models import Office, SessionSlot


class Command(BaseCommand):
    help = "Open the entry window of a day's draw now, for --minutes, and print its public record."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="office code")
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="the day to release, YYYY-MM-DD")
        parser.add_argument("--minutes", type=int, default=None, help="window length (the office's by default)")
        parser.add_argument("--seconds", type=int, default=None, help="window length in seconds (tests, drills)")

    def handle(self, *args, office, date, minutes, seconds, **options):
        found = Office.objects.filter(code=office).first()
        if found is None:
            raise CommandError(f"no office {office}")
        if not SessionSlot.objects.filter(office=found, date=date, is_open=True).exists():
            raise CommandError(f"{office} has no open session on {date}")
        if releases.release_of(found, date) is not None:
            raise CommandError(f"the draw of {office} on {date} is already open")
        length = timedelta(seconds=seconds) if seconds else timedelta(minutes=minutes or found.entry_window_minutes)
        now = timezone.now()
        release = releases.release_open(office=found, day=date, opens_at=now, minutes=1)
        release.closes_at = now + length
        release.save(update_fields=["closes_at"])
        log_action(None, None, "draw_opened_by_hand", public=False, data={"release": str(release)})
        self.stdout.write(json.dumps(releases.release_summary(release)))
