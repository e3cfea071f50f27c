"""Make the draw of one office-day now (the periodic job does it within a minute of the close)."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from appointments import draws
from core.errors import DomainError
from queueing.models import QuotaRelease


class Command(BaseCommand):
    help = "Make the draw of a closed release (or, with --close-now, close its window first) and print the record."

    def add_arguments(self, parser):
        parser.add_argument("--office", required=True, help="office code")
        parser.add_argument("--date", required=True, type=date.fromisoformat, help="the released day, YYYY-MM-DD")
        parser.add_argument("--close-now", action="store_true", help="end the entry window now (logged)")

    def handle(self, *args, office, date, close_now, **options):
        release = QuotaRelease.objects.filter(office__code=office, date=date).first()
        if release is None:
            raise CommandError(f"no release for {office} on {date}")
        try:
            summary = draws.release_allocate(release=release, close_now=close_now)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(json.dumps(summary))
