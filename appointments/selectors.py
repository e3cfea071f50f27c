"""Reads that join an application's place and its fee."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import workflow
from applicants.fees import price_of_application
from applicants.models import ApplicationStatus as S
from billing.models import BillStatus
from billing.selectors import current_bill
from core.errors import DomainError
from queueing.models import BookingStatus
from queueing.selectors import active_booking
from queueing.workflow import BOOKINGS


def booking_preview(application, slot, *, current=None, now=None) -> dict:
    """What the applicant commits to by booking `slot`, shown before the place is taken: the
    office, day and session (in the office's zone), the amount and the payment deadline the
    code would have if booked now. Moving an appointment costs nothing more."""
    now = now or timezone.now()
    lines = [] if current is not None else price_of_application(application, at=now)
    return {
        "slot": slot,
        "office": slot.office,
        "moving_from": current,
        "lines": lines,
        "amount": sum(line.amount for line in lines),
        "pay_before": None if current is not None else now + timedelta(seconds=settings.BILL_TTL_SECONDS),
    }


def proof_of(application):
    """(bill, booking) for the proof of application, which exists once the fee is paid."""
    bill, booking = current_bill(application), active_booking(application)
    if bill is None or bill.status != BillStatus.PAID or booking is None:
        raise DomainError("not_paid", _("The proof of application is available once the fee is paid."), status=409)
    return bill, booking


_LOOK_UP = object()


def appointment_actions(application, booking, *, bill=_LOOK_UP) -> set[str]:
    """What the applicant may do about the appointment now: book, pay, move, cancel, renew,
    print the proof. Pages and the API offer only these; the services apply the same rules.

    `bill`: the application's current bill when the caller already has it."""
    actions = set()
    if booking is not None:
        if booking.effective_status == BookingStatus.HELD:
            actions |= {"pay", "cancel_booking"}
        if (
            BOOKINGS.can(booking, "move")
            and not booking.is_expired
            and booking.reschedules_used < settings.MAX_RESCHEDULES
            and booking.slot.office.local_today() < booking.slot.date
        ):
            actions.add("reschedule")
        if bill is _LOOK_UP:
            bill = current_bill(application)
        if bill is not None and bill.status == BillStatus.PAID:
            actions.add("proof")
    elif workflow.MACHINE.can(application, "book") or application.status == S.PAID:
        actions.add("book")
    if application.status == S.EXPIRED:
        actions |= {"renew", "book"}
    return actions
