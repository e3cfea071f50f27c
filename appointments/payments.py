"""Receiving a payment: the notice is stored (`billing.payments`), and an in-time payment
settles the application: the bill is paid, newer open codes close, the place is confirmed.

Every correctly signed notice for a code we issued is stored, whatever it says. Refusing
the state move (the application was cancelled meanwhile, say) never rolls the payment row
back: the settlement runs in a savepoint and the payment becomes a case instead.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import workflow
from applicants.models import Application
from billing import payments
from billing import services as billing
from billing.models import Bill, Payment, PaymentCase, PaymentSource
from core import locks
from core.errors import DomainError
from queueing import services as places

PaymentResult = payments.PaymentResult


@locks.use_case
def payment_record(
    *,
    billing_code: str,
    amount: int,
    ntpn: str,
    ntb: str,
    channel: str,
    paid_at: datetime,
    source: str = PaymentSource.GATEWAY,
    actor=None,
    note: str = "",
) -> PaymentResult:
    found = Bill.objects.filter(code=billing_code).only("application_id").first()
    if found is None:
        raise DomainError("unknown_billing_code", _("No bill has this billing code."), status=404)
    ntpn = ntpn.strip().upper()
    application = locks.lock(Application.objects, found.application_id)
    # A staff member never records a payment for their own or a family member's application;
    # refused before anything is stored (the gateway, actor None, is no person).
    workflow.refuse_conflict(application, actor)
    replay = payments.payment_replay(ntpn=ntpn, bill=found)
    if replay is not None:
        return replay
    bills = locks.lock_all(Bill.objects.filter(application=application))
    bill = next(b for b in bills if b.pk == found.pk)
    case = payments.payment_case(bill, bills, amount=amount, paid_at=paid_at, source=source)
    if case in payments.STAFF_TYPING_ERRORS and source == PaymentSource.RECONCILIATION:
        issued = timezone.localtime(bill.issued_at).strftime("%Y-%m-%d %H:%M")
        message = _("The amount or the payment time does not fit this bill (%(amount)s, issued %(issued)s).")
        raise DomainError("invalid", message % {"amount": bill.amount, "issued": issued})
    payment = payments.payment_store(
        bill=bill,
        case=case,
        ntpn=ntpn,
        ntb=ntb,
        channel=channel,
        amount=amount,
        paid_at=paid_at,
        source=source,
        actor=actor,
        note=note,
    )
    if payment is None:  # the same NTPN, recorded for another application at this moment
        return payments.payment_replay(ntpn=ntpn, bill=found)
    place_kept = False
    if not case:
        try:
            with transaction.atomic():
                place_kept = _settle(application, bill, payment, actor)
        except DomainError as exc:
            payment = payments.payment_make_case(payment=payment, case=PaymentCase.NOT_PAYABLE, note=exc.message)
    if payment.case:
        payments.payment_log_case(payment=payment, actor=actor)
    return PaymentResult(payment, replay=False, place_kept=place_kept)


def _settle(application: Application, bill: Bill, payment: Payment, actor) -> bool:
    """Apply an in-time payment: the bill is paid, newer open codes close, the place is confirmed."""
    workflow.check("pay", application, actor)
    closed = billing.bill_settle(bill=bill, paid_at=payment.paid_at, actor=actor)
    kept = places.booking_settle(application=application, bill=bill)
    data = {
        "billing_code": bill.code,
        "ntpn": payment.ntpn,
        "channel": payment.channel,
        "place_kept": kept,
        "codes_closed": closed,
    }
    workflow.transition(application, "pay", actor, data=data)
    return kept
