"""Billing housekeeping. Idempotent; the bill's deadline holds whether or not these run."""

from celery import shared_task
from django.conf import settings

from billing import payments


@shared_task(ignore_result=True, time_limit=300)
def send_bill_reminders() -> int:
    """Remind applicants whose code expires soon. Each bill is claimed once and its reminder
    goes out through the outbox, so it is sent at least once and not repeated."""
    return sum(
        payments.bill_remind(bill=bill)
        for bill in payments.bills_due_for_reminder(within_seconds=settings.BILL_REMINDER_SECONDS)
    )
