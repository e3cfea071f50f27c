"""Payments: what a notice is worth to its bill, stored whatever it says.

Every correctly signed notice for a code we issued is stored, whatever it says: applied to
its bill, or kept as a case for staff (`Payment.case` says why) so that money received is
never lost. A payment made before its bill's deadline counts, even when the notice comes
after the sweeper, after the code was renewed, or after the applicant booked again with a
new code: it settles the application if nothing else has, closing the newer bill and
confirming the place if the session has room. An application is settled by at most one
payment (a partial unique index says so too); any other is a refund case.

Receiving a notice and settling the application with it (`appointments.payments`) runs
these inside one use case, with the application and its bills locked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import SETTLEABLE, Bill, BillStatus, Payment, PaymentCase, PaymentOutcome, PaymentSource
from core.audit import log_action
from core.errors import DomainError


@dataclass(frozen=True)
class PaymentResult:
    payment: Payment
    replay: bool
    place_kept: bool = False

    @property
    def applied(self) -> bool:
        return self.payment.outcome == PaymentOutcome.APPLIED

    @property
    def case(self) -> str:
        return self.payment.case


def payment_case(bill: Bill, bills: list[Bill], *, amount: int, paid_at: datetime, source: str) -> str:
    """Why this payment cannot be applied to its bill, or "" when it can."""
    if amount != bill.amount:
        return PaymentCase.AMOUNT_MISMATCH
    # Gateways stamp whole seconds and receipts typed by staff whole minutes; the bill's
    # issue time has microseconds.
    issued = bill.issued_at.replace(microsecond=0)
    if source == PaymentSource.RECONCILIATION:
        issued = issued.replace(second=0)
    if paid_at < issued:
        return PaymentCase.PAID_BEFORE_ISSUE
    if paid_at > bill.expires_at:
        return PaymentCase.PAID_LATE
    if bill.status == BillStatus.PAID:
        return PaymentCase.BILL_PAID
    if bill.status not in SETTLEABLE:
        return PaymentCase.BILL_CANCELLED
    if any(other.status == BillStatus.PAID for other in bills if other.pk != bill.pk):
        return PaymentCase.APPLICATION_SETTLED
    return ""


# What staff typed from a receipt is refused, not stored, when it cannot be right.
STAFF_TYPING_ERRORS = {PaymentCase.AMOUNT_MISMATCH, PaymentCase.PAID_BEFORE_ISSUE}


def payment_replay(*, ntpn: str, bill: Bill) -> PaymentResult | None:
    """The earlier answer to a notice with this NTPN, if one was recorded."""
    earlier = Payment.objects.filter(ntpn=ntpn).first()
    if earlier is None:
        return None
    if earlier.bill_id != bill.pk:
        raise DomainError("ntpn_conflict", _("This NTPN was already recorded for another bill."), status=409)
    return PaymentResult(earlier, replay=True)


def payment_store(
    *,
    bill: Bill,
    case: str,
    ntpn: str,
    ntb: str,
    channel: str,
    amount: int,
    paid_at: datetime,
    source: str,
    actor=None,
    note: str = "",
) -> Payment | None:
    """Store the payment, applied or as a case; None if the same NTPN was stored at this
    moment by another notice (the caller replays that one)."""
    try:
        with transaction.atomic():
            return Payment.objects.create(
                bill=bill,
                application_id=bill.application_id,
                ntpn=ntpn,
                ntb=ntb,
                channel=channel,
                amount=amount,
                paid_at=paid_at,
                source=source,
                recorded_by=actor,
                note=note[:300],
                outcome=PaymentOutcome.REFUND_DUE if case else PaymentOutcome.APPLIED,
                case=case,
            )
    except IntegrityError:
        return None


def payment_make_case(*, payment: Payment, case: str, note: str) -> Payment:
    """An applied payment whose application could not take it: a refund case instead."""
    payment.outcome, payment.case = PaymentOutcome.REFUND_DUE, case
    payment.note = f"{payment.note} {note}".strip()[:300]
    payment.save(update_fields=["outcome", "case", "note"])
    return payment


def payment_log_case(*, payment: Payment, actor=None) -> None:
    log_action(
        payment.application_id,
        actor,
        "payment_refund_due",
        reason=str(PaymentCase(payment.case).label),
        data={"billing_code": payment.bill.code, "ntpn": payment.ntpn, "amount": payment.amount, "case": payment.case},
    )


@transaction.atomic
def payment_mark_refunded(*, payment: Payment, actor, note: str = "") -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.outcome != PaymentOutcome.REFUND_DUE:
        raise DomainError("not_refundable", _("Only payments waiting for a refund can be marked refunded."), status=409)
    payment.outcome = PaymentOutcome.REFUNDED
    payment.note = f"{payment.note} {note}".strip()[:300]
    payment.save(update_fields=["outcome", "note"])
    log_action(payment.application_id, actor, "payment_refunded", reason=note, data={"ntpn": payment.ntpn})
    return payment


def bills_due_for_reminder(*, within_seconds: int) -> list[Bill]:
    now = timezone.now()
    return list(
        Bill.objects.filter(
            status=BillStatus.UNPAID,
            reminded_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(seconds=within_seconds),
        ).select_related("application__owner")
    )


@transaction.atomic
def bill_remind(*, bill: Bill) -> bool:
    """Claim the reminder of an unpaid bill and put it in the outbox; False if already claimed."""
    if not Bill.objects.filter(pk=bill.pk, status=BillStatus.UNPAID, reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    ):
        return False
    log_action(bill.application_id, None, "bill_reminder", data={"billing_code": bill.code})
    return True
