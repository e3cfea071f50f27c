from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from applicants import fees
from applicants.models import Fee
from queueing import services
from queueing.demo import OFFICES, seed_offices
from queueing.models import Office


class Command(BaseCommand):
    help = (
        "Load reference data for a new installation: the fee schedule, the listed immigration offices "
        "with their default sessions and the fixed national holidays (only on a database that has none "
        "of these offices yet: afterwards staff keep them in the admin), then create the sessions of every "
        "active office for its booking horizon. No accounts. Safe in production and safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Create sessions at least this many days ahead.")

    @transaction.atomic
    def handle(self, *args, days, **options):
        fees.load_pp_45_2024(Fee)
        if not Office.objects.filter(code__in=[row[0] for row in OFFICES]).exists():
            seed_offices(days=days)
        today = timezone.localdate()
        created = sum(
            services.slots_generate(
                office=office, start=today, end=today + timedelta(days=max(days, office.booking_horizon_days))
            )
            for office in Office.objects.filter(is_active=True)
        )
        offices = Office.objects.filter(is_active=True).count()
        self.stdout.write(f"{offices} active offices; {created} new sessions.")
