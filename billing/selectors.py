"""Reads of the fee schedule and what an application costs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Case, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Bill, Fee, FeeProduct
from core.errors import DomainError
from core.outbox import Message
from queueing.selectors import active_booking


def fees_in_force(at: datetime | None = None) -> dict[str, Fee]:
    """The newest fee per product that has started by `at` (now by default)."""
    at = at or timezone.now()
    current: dict[str, Fee] = {}
    for fee in Fee.objects.filter(effective_from__lte=at).order_by("product", "-effective_from"):
        current.setdefault(fee.product, fee)
    return current


@dataclass(frozen=True)
class PriceLine:
    product: str
    label: str
    amount: int


SURCHARGE_BY_REASON = {"lost": FeeProduct.LOST, "damaged": FeeProduct.DAMAGED}


def price_lines(*, passport_type: str, validity_years: int | None, service: str, reason: str,
                at: datetime | None = None, fees: dict[str, Fee] | None = None) -> list[PriceLine]:  # fmt: skip
    """The fee items for a passport product; empty if the product is not chosen yet or unpriced.

    `fees` (from `fees_in_force`) lets a caller pricing many applications read the schedule once."""
    if not passport_type or not validity_years:
        return []
    fees = fees if fees is not None else fees_in_force(at)
    wanted = [f"{passport_type}_{validity_years}"]
    if service == "same_day":
        wanted.append(FeeProduct.SAME_DAY)
    if reason in SURCHARGE_BY_REASON:
        wanted.append(SURCHARGE_BY_REASON[reason])
    if any(product not in fees for product in wanted):
        return []
    return [PriceLine(p, str(FeeProduct(p).label), fees[p].amount) for p in wanted]


def price_of_application(
    application, at: datetime | None = None, fees: dict[str, Fee] | None = None
) -> list[PriceLine]:
    return price_lines(
        fees=fees,
        passport_type=application.passport_type,
        validity_years=application.validity_years,
        service=application.service,
        reason=application.reason,
        at=at,
    )


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
