"""The bill, renewal and the proof of application in the browser; the dev payment simulator."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants import selectors as application_selectors
from billing import simulator
from billing.channels import FORFEIT_NOTICE, channels
from billing.models import Bill
from billing.proof import pdf_response, qr_svg
from billing.selectors import applied_payment, current_bill, proof_of
from billing.words import rupiah_in_words
from core.errors import DomainError
from queueing import services as queueing_services
from queueing.selectors import active_booking


@login_required
def bill_page(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    bill = current_bill(application)
    if bill is None:
        raise Http404
    return render(request, "billing/bill.html", {
        "application": application, "bill": bill, "booking": active_booking(application), "channels": channels(),
        "in_words": rupiah_in_words(bill.amount), "payment": applied_payment(bill), "notice": FORFEIT_NOTICE,
        "simulator": settings.PAYMENT_SIMULATOR_ENABLED,
    })  # fmt: skip


@login_required
@require_POST
def bill_renew(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    try:
        queueing_services.booking_renew(application=application, actor=request.user)
        messages.success(request, _("A new billing code has been issued and your place is held again."))
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.extra.get("alternatives"):
            return redirect("booking", application.pk)
    return redirect("bill_page", application.pk)


@login_required
def proof_page(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    bill, booking = proof_of(application)
    return render(request, "billing/proof.html", {"application": application, "bill": bill, "booking": booking,
                                                  "qr": qr_svg(booking.code), "payment": applied_payment(bill)})  # fmt: skip


@login_required
def proof_pdf_view(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    bill, booking = proof_of(application)
    return pdf_response(application=application, booking=booking, bill=bill)


def payment_simulator(request):
    """Development only: pay any bill as a bank would, through the real signed callback."""
    if not settings.PAYMENT_SIMULATOR_ENABLED:
        raise Http404
    result = None
    if request.method == "POST":
        code = request.POST.get("billing_code", "").strip()
        bill = Bill.objects.filter(code=code).first()
        amount = request.POST.get("amount", "").strip()
        if amount and not amount.isdigit():
            result = (400, {"code": "invalid", "detail": _("Enter the amount in whole rupiah.")})
        else:
            body = simulator.notification(billing_code=code, amount=int(amount) if amount else (bill.amount if bill else 0),
                                          channel=request.POST.get("channel") or "mobile_banking")  # fmt: skip
            result = simulator.send(body, base_url=request.build_absolute_uri("/"))
    return render(request, "billing/simulator.html", {"result": result, "channels": channels(),
                                                      "billing_code": request.GET.get("code", "")})  # fmt: skip
