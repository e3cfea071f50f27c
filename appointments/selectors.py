"""Reads that join an application's place and its fee."""

from __future__ import annotations

from django.utils.translation import gettext as _

from billing.models import BillStatus
from billing.selectors import current_bill
from core.errors import DomainError
from queueing.selectors import active_booking


def proof_of(application):
    """(bill, booking) for the proof of application, which exists once the fee is paid."""
    bill, booking = current_bill(application), active_booking(application)
    if bill is None or bill.status != BillStatus.PAID or booking is None:
        raise DomainError("not_paid", _("The proof of application is available once the fee is paid."), status=409)
    return bill, booking
