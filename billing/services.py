"""Writes to bills."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.fees import price_of_application
from billing.models import Bill, BillStatus
from core.errors import DomainError


def bill_issue(*, application, at=None) -> Bill:
    """A fresh billing code at the price in force now, inside the caller's transaction.

    A code drawn twice (one chance in 10^14) violates the unique index; the caller's
    transaction fails with IntegrityError and the booking is retried.
    """
    at = at or timezone.now()
    lines = price_of_application(application, at=at)
    if not lines:
        raise DomainError(
            "no_price", _("There is no fee for this passport product; please check the passport type and validity.")
        )
    # A new code replaces the application's lapsed ones; an in-time payment of one of them
    # still counts (billing.payments), but none of them is the code to pay any more.
    Bill.objects.filter(application=application, status__in=(BillStatus.UNPAID, BillStatus.EXPIRED),
                        expires_at__lte=at).update(status=BillStatus.SUPERSEDED)  # fmt: skip
    return Bill.objects.create(
        application=application,
        amount=sum(line.amount for line in lines),
        lines=[{"product": line.product, "label": line.label, "amount": line.amount} for line in lines],
        payer_name=application.full_name,
        ministry_code=settings.SIMPONI_MINISTRY_CODE,
        echelon_code=settings.SIMPONI_ECHELON_CODE,
        work_unit_code=settings.SIMPONI_WORK_UNIT_CODE,
        account_code=settings.SIMPONI_ACCOUNT_CODE,
        issued_at=at,
        expires_at=at + timedelta(seconds=settings.BILL_TTL_SECONDS),
    )


def bill_close(*, bill: Bill, status: str) -> bool:
    """Mark an unpaid bill expired or cancelled; False if it was not unpaid any more."""
    return bool(Bill.objects.filter(pk=bill.pk, status=BillStatus.UNPAID).update(status=status))
