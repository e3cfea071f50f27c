"""Payments: gateway notifications and staff reconciliation. Every write in a transaction.

A payment counts if it was made before the bill's deadline, even if its notice arrives
after the sweeper expired the bill; a payment made after the deadline never confirms a
place and is kept as a refund case for staff. The same NTPN is recorded once; a repeat
notice changes nothing. Locks follow the one order: application, booking, bill.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import workflow
from applicants.audit import log_action
from applicants.models import Application
from billing.models import Bill, BillStatus, Payment, PaymentOutcome, PaymentSource
from mpaspor.errors import DomainError
from queueing import services as queueing


class PaymentResult:
    def __init__(self, payment: Payment, *, replay: bool):
        self.payment = payment
        self.replay = replay

    @property
    def applied(self) -> bool:
        return self.payment.outcome == PaymentOutcome.APPLIED


@transaction.atomic
def payment_record(*, billing_code: str, amount: int, ntpn: str, ntb: str, channel: str, paid_at: datetime,
                   source: str = PaymentSource.GATEWAY, actor=None, note: str = "") -> PaymentResult:  # fmt: skip
    found = Bill.objects.filter(code=billing_code).only("application_id").first()
    if found is None:
        raise DomainError("unknown_billing_code", _("No bill has this billing code."), status=404)
    ntpn = ntpn.strip().upper()
    application = Application.objects.select_for_update().get(pk=found.application_id)
    earlier = Payment.objects.filter(ntpn=ntpn).first()
    if earlier is not None:
        if earlier.bill_id != found.pk:
            raise DomainError("ntpn_conflict", _("This NTPN was already recorded for another bill."), status=409)
        return PaymentResult(earlier, replay=True)
    booking = queueing.latest_booking_locked(application, bill_id=found.pk)
    bill = Bill.objects.select_for_update().get(pk=found.pk)
    if amount != bill.amount:
        raise DomainError("amount_mismatch", _("The amount paid differs from the bill (%(amount)s).") % {"amount": bill.amount},
                          status=422)  # fmt: skip
    payment = Payment(bill=bill, ntpn=ntpn, ntb=ntb, channel=channel, amount=amount, paid_at=paid_at, source=source,
                      recorded_by=actor, note=note)  # fmt: skip
    if bill.status == BillStatus.PAID:
        payment.outcome, payment.note = PaymentOutcome.REFUND_DUE, _("The bill was already paid: a second payment.")
    elif paid_at > bill.expires_at:
        payment.outcome, payment.note = PaymentOutcome.REFUND_DUE, _("Paid after the payment deadline.")
    elif bill.status == BillStatus.CANCELLED:
        payment.outcome, payment.note = PaymentOutcome.REFUND_DUE, _("The bill had been cancelled.")
    else:
        payment.outcome = PaymentOutcome.APPLIED
    payment.save()
    if payment.outcome == PaymentOutcome.APPLIED:
        bill.status, bill.paid_at = BillStatus.PAID, paid_at
        bill.save(update_fields=["status", "paid_at"])
        kept = queueing.booking_confirm_paid(booking) if booking else False
        workflow.transition(application, "pay", actor, data={"billing_code": bill.code, "ntpn": ntpn, "channel": channel,
                                                              "place_kept": kept})  # fmt: skip
    else:
        log_action(application, actor, "payment_refund_due", reason=payment.note, public=True,
                   data={"billing_code": bill.code, "ntpn": ntpn, "amount": amount})  # fmt: skip
    return PaymentResult(payment, replay=False)


@transaction.atomic
def payment_mark_refunded(*, payment: Payment, actor, note: str = "") -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.outcome != PaymentOutcome.REFUND_DUE:
        raise DomainError("not_refundable", _("Only payments waiting for a refund can be marked refunded."), status=409)
    payment.outcome = PaymentOutcome.REFUNDED
    payment.note = f"{payment.note} {note}".strip()[:300]
    payment.save(update_fields=["outcome", "note"])
    log_action(payment.bill.application, actor, "payment_refunded", reason=note, data={"ntpn": payment.ntpn})
    return payment


def bills_due_for_reminder(*, within_seconds: int) -> list[Bill]:
    now = timezone.now()
    return list(
        Bill.objects.filter(
            status=BillStatus.UNPAID,
            reminded_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + timedelta(seconds=within_seconds),
        ).select_related("application__owner")  # fmt: skip
    )


def bill_mark_reminded(*, bill: Bill) -> bool:
    """True for the one caller that claims the reminder, so it is sent once."""
    return bool(Bill.objects.filter(pk=bill.pk, reminded_at__isnull=True).update(reminded_at=timezone.now()))
