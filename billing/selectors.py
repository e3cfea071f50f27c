"""Reads of bills and payments."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, When
from django.urls import reverse

from billing.models import Bill
from core.outbox import Message


def current_bill(application):
    """The bill that counts for the application: the one paid, else the newest, or None."""
    return application.bills.order_by(Case(When(status="paid", then=0), default=1), "-issued_at", "-pk").first()


def applied_payment(bill):
    return bill.payments.filter(outcome="applied").first() if bill else None


def bill_reminder_message(entry) -> Message | None:
    """The outbox's message for a bill's reminder: the code, the amount and the deadline."""
    bill = Bill.objects.select_related("application__owner").filter(code=entry.data.get("billing_code")).first()
    if bill is None:
        return None
    link = settings.SITE_URL + reverse("bill_page", args=[bill.application_id])
    return Message(
        bill.application.owner, "bill_reminder", {"application": bill.application, "bill": bill, "link": link}
    )
