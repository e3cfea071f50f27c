from django.core.management.base import BaseCommand
from django.db import transaction

from applicants import fees
from applicants.models import Fee
from casework.demo import post_staff, seed_accounts
from queueing.demo import seed_offices


class Command(BaseCommand):
    help = "Load demo data: staff and applicant accounts, offices, sessions, fees. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        fees.load_pp_45_2024(Fee)
        accounts = seed_accounts()
        offices = seed_offices(days=30)
        post_staff(offices)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Sign in at http://127.0.0.1:8000/ with:"))
        for email, password, role in accounts:
            self.stdout.write(f"  {role:<18} {email:<28} {password}")
        self.stdout.write(f"{len(offices)} offices with sessions for the next 30 days.")
