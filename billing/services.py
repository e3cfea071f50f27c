"""Writes to bills. Each runs inside a use case's transaction, with the application locked
(`core.locks`: application, then its bills)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants.fees import price_of_application
from billing.models import Bill, BillStatus, new_billing_code
from billing.workflow import BILLS
from core import locks
from core.errors import DomainError


def bill_issue(*, application, at=None) -> Bill:
    """A fresh billing code at the price in force now; the application's lapsed codes are
    superseded by it (an in-time payment of one of them still counts: `billing.payments`).

    A code drawn twice (one chance in 10^14) violates the unique index; the caller's
    transaction fails with IntegrityError and the booking is retried.
    """
    at = at or timezone.now()
    lines = price_of_application(application, at=at)
    if not lines:
        raise DomainError(
            "no_price", _("There is no fee for this passport product; please check the passport type and validity.")
        )
    lapsed = Bill.objects.filter(
        application=application, status__in=(BillStatus.UNPAID, BillStatus.EXPIRED), expires_at__lte=at
    )
    for bill in locks.lock_all(lapsed):
        BILLS.move(bill, "supersede")
    bill = bill_for(application, lines, at)
    bill.save(force_insert=True)
    return bill


def bill_for(application, lines, at: datetime) -> Bill:
    """The new bill of `application` at the price `lines`, issued at `at`, not saved yet."""
    return Bill(
        application=application,
        code=new_billing_code(),
        amount=sum(line.amount for line in lines),
        lines=[{"product": line.product, "label": line.label, "amount": line.amount} for line in lines],
        status=BillStatus.UNPAID,
        payer_name=application.full_name,
        ministry_code=settings.SIMPONI_MINISTRY_CODE,
        echelon_code=settings.SIMPONI_ECHELON_CODE,
        work_unit_code=settings.SIMPONI_WORK_UNIT_CODE,
        account_code=settings.SIMPONI_ACCOUNT_CODE,
        issued_at=at,
        expires_at=at + timedelta(seconds=settings.BILL_TTL_SECONDS),
    )


def bill_close(*, bill: Bill, how: str) -> bool:
    """Expire or cancel a bill that is still unpaid (`how`: "expire" or "cancel"); False if
    it was not unpaid any more (a paid bill stays paid)."""
    bill = locks.lock(Bill.objects, bill.pk)
    if not BILLS.can(bill, how):
        return False
    BILLS.move(bill, how)
    return True


def bill_settle(*, bill: Bill, paid_at: datetime, actor=None) -> list[str]:
    """The bill is paid; the application's other open codes close. Returns their codes."""
    BILLS.move(bill, "pay", actor, also={"paid_at": paid_at})
    others = Bill.objects.filter(application_id=bill.application_id, status=BillStatus.UNPAID).exclude(pk=bill.pk)
    closed = []
    for other in locks.lock_all(others):
        BILLS.move(other, "cancel", actor)
        closed.append(other.code)
    return closed
