"""Billing housekeeping. Idempotent; the bill's deadline holds whether or not these run."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from applicants.notifications import notify
from billing import payments


@shared_task(ignore_result=True, time_limit=300)
def send_bill_reminders() -> int:
    """Remind applicants whose code expires soon; each bill is claimed once, so never twice."""
    sent = 0
    for bill in payments.bills_due_for_reminder(within_seconds=settings.BILL_REMINDER_SECONDS):
        if payments.bill_mark_reminded(bill=bill):
            application = bill.application
            notify(application.owner, "bill_reminder", {
                "application": application, "bill": bill,
                "link": settings.SITE_URL + reverse("bill_page", args=[application.pk]),
            })  # fmt: skip
            sent += 1
    return sent
