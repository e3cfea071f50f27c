"""Reads of bills and payments."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Case, When
from django.urls import reverse
from django.utils.translation import gettext as _

from billing.models import Bill
from core.errors import DomainError
from core.outbox import Message
from queueing.selectors import active_booking


def current_bill(application):
    """The bill that counts for the application: the one paid, else the newest, or None."""
    return application.bills.order_by(Case(When(status="paid", then=0), default=1), "-issued_at", "-pk").first()


def applied_payment(bill):
    return bill.payments.filter(outcome="applied").first() if bill else None


def proof_of(application):
    """(bill, booking) for the proof of application, which exists once the fee is paid."""
    bill, booking = current_bill(application), active_booking(application)
    if bill is None or bill.status != "paid" or booking is None:
        raise DomainError("not_paid", _("The proof of application is available once the fee is paid."), status=409)
    return bill, booking


def bill_reminder_message(entry) -> Message | None:
    """The outbox's message for a bill's reminder: the code, the amount and the deadline."""
    bill = Bill.objects.select_related("application__owner").filter(code=entry.data.get("billing_code")).first()
    if bill is None:
        return None
    link = settings.SITE_URL + reverse("bill_page", args=[bill.application_id])
    return Message(
        bill.application.owner, "bill_reminder", {"application": bill.application, "bill": bill, "link": link}
    )
