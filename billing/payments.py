"""Payments: gateway notifications and staff reconciliation.

Every correctly signed notice for a code we issued is stored, whatever it says: applied to
its bill, or kept as a case for staff (`Payment.case` says why) so that money received is
never lost. A payment made before its bill's deadline counts, even when the notice comes
after the sweeper, after the code was renewed, or after the applicant booked again with a
new code: it settles the application if nothing else has, closing the newer bill and
confirming the place if the session has room. An application is settled by at most one
payment (a partial unique index says so too); any other is a refund case.

Refusing the state move (the application was cancelled meanwhile, say) never rolls the
payment row back: the move runs in a savepoint and the payment becomes a case instead.
Locks follow the one order: application, then its bills, then its booking, then the session.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import workflow
from applicants.models import Application
from billing.models import SETTLEABLE, Bill, BillStatus, Payment, PaymentCase, PaymentOutcome, PaymentSource
from core.audit import log_action
from core.errors import DomainError
from queueing import services as queueing


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


def _case_for(bill: Bill, bills: list[Bill], *, amount: int, paid_at: datetime, source: str) -> str:
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
_STAFF_TYPING_ERRORS = {PaymentCase.AMOUNT_MISMATCH, PaymentCase.PAID_BEFORE_ISSUE}


@transaction.atomic(durable=True)
def payment_record(*, billing_code: str, amount: int, ntpn: str, ntb: str, channel: str, paid_at: datetime,
                   source: str = PaymentSource.GATEWAY, actor=None, note: str = "") -> PaymentResult:  # fmt: skip
    found = Bill.objects.filter(code=billing_code).only("application_id").first()
    if found is None:
        raise DomainError("unknown_billing_code", _("No bill has this billing code."), status=404)
    ntpn = ntpn.strip().upper()
    application = Application.objects.select_for_update().get(pk=found.application_id)
    earlier = Payment.objects.filter(ntpn=ntpn).first()
    if earlier is not None:
        return _replay(earlier, found)
    bills = list(Bill.objects.select_for_update().filter(application=application).order_by("pk"))
    bill = next(b for b in bills if b.pk == found.pk)
    case = _case_for(bill, bills, amount=amount, paid_at=paid_at, source=source)
    if case in _STAFF_TYPING_ERRORS and source == PaymentSource.RECONCILIATION:
        raise DomainError("invalid", _("The amount or the payment time does not fit this bill (%(amount)s, issued %(issued)s).")
                          % {"amount": bill.amount, "issued": timezone.localtime(bill.issued_at).strftime("%Y-%m-%d %H:%M")})  # fmt: skip
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                bill=bill, application=application, ntpn=ntpn, ntb=ntb, channel=channel, amount=amount,
                paid_at=paid_at, source=source, recorded_by=actor, note=note[:300],
                outcome=PaymentOutcome.REFUND_DUE if case else PaymentOutcome.APPLIED, case=case,
            )  # fmt: skip
    except IntegrityError:  # the same NTPN, recorded for another application at this moment
        return _replay(Payment.objects.get(ntpn=ntpn), found)
    place_kept = False
    if not case:
        try:
            with transaction.atomic():
                place_kept = _settle(application, bill, bills, payment, actor)
        except DomainError as exc:
            payment.outcome, payment.case = PaymentOutcome.REFUND_DUE, PaymentCase.NOT_PAYABLE
            payment.note = f"{payment.note} {exc.message}".strip()[:300]
            payment.save(update_fields=["outcome", "case", "note"])
    if payment.case:
        log_action(application, actor, "payment_refund_due", reason=str(PaymentCase(payment.case).label), public=True,
                   data={"billing_code": bill.code, "ntpn": ntpn, "amount": amount, "case": payment.case})  # fmt: skip
    return PaymentResult(payment, replay=False, place_kept=place_kept)


def _replay(earlier: Payment, bill: Bill) -> PaymentResult:
    if earlier.bill_id != bill.pk:
        raise DomainError("ntpn_conflict", _("This NTPN was already recorded for another bill."), status=409)
    return PaymentResult(earlier, replay=True)


def _settle(application: Application, bill: Bill, bills: list[Bill], payment: Payment, actor) -> bool:
    """Apply an in-time payment: the bill is paid, newer open codes close, the place is confirmed."""
    workflow.check("pay", application, actor)
    bill.status, bill.paid_at = BillStatus.PAID, payment.paid_at
    bill.save(update_fields=["status", "paid_at"])
    closed = [other.code for other in bills if other.pk != bill.pk and other.status == BillStatus.UNPAID]
    Bill.objects.filter(application=application, status=BillStatus.UNPAID).exclude(pk=bill.pk).update(
        status=BillStatus.CANCELLED
    )
    kept = queueing.booking_settle(application=application, bill=bill)
    workflow.transition(application, "pay", actor, data={"billing_code": bill.code, "ntpn": payment.ntpn,
                                                          "channel": payment.channel, "place_kept": kept,
                                                          "codes_closed": closed})  # fmt: skip
    return kept


@transaction.atomic
def payment_mark_refunded(*, payment: Payment, actor, note: str = "") -> Payment:
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if payment.outcome != PaymentOutcome.REFUND_DUE:
        raise DomainError("not_refundable", _("Only payments waiting for a refund can be marked refunded."), status=409)
    payment.outcome = PaymentOutcome.REFUNDED
    payment.note = f"{payment.note} {note}".strip()[:300]
    payment.save(update_fields=["outcome", "note"])
    log_action(payment.application, actor, "payment_refunded", reason=note, data={"ntpn": payment.ntpn})
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


@transaction.atomic
def bill_remind(*, bill: Bill) -> bool:
    """Claim the reminder of an unpaid bill and put it in the outbox; False if already claimed."""
    if not Bill.objects.filter(pk=bill.pk, status=BillStatus.UNPAID, reminded_at__isnull=True).update(
        reminded_at=timezone.now()
    ):
        return False
    log_action(bill.application, None, "bill_reminder", data={"billing_code": bill.code})
    return True
