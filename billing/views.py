"""The bill, renewal and the proof of application in the browser; the dev payment simulator."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants import selectors as application_selectors
from billing import simulator
from billing.api import FORFEIT_NOTICE
from billing.channels import channels
from billing.models import Bill, BillStatus
from billing.proof import proof_pdf, qr_svg
from billing.selectors import applied_payment, current_bill
from billing.words import rupiah_in_words
from mpaspor.errors import DomainError
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


def _paid(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    bill, booking = current_bill(application), active_booking(application)
    if bill is None or bill.status != BillStatus.PAID or booking is None:
        raise Http404
    return application, bill, booking


@login_required
def proof_page(request, application_id):
    application, bill, booking = _paid(request, application_id)
    return render(request, "billing/proof.html", {"application": application, "bill": bill, "booking": booking,
                                                  "qr": qr_svg(booking.code), "payment": applied_payment(bill)})  # fmt: skip


@login_required
def proof_pdf_view(request, application_id):
    application, bill, booking = _paid(request, application_id)
    response = HttpResponse(proof_pdf(application=application, booking=booking, bill=bill, language=get_language() or "id"),
                            content_type="application/pdf")  # fmt: skip
    response["Content-Disposition"] = f'inline; filename="bukti-{application.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


def payment_simulator(request):
    """Development only: pay any bill as a bank would, through the real signed callback."""
    if not settings.PAYMENT_SIMULATOR_ENABLED:
        raise Http404
    result = None
    if request.method == "POST":
        bill = Bill.objects.filter(code=request.POST.get("billing_code", "").strip()).first()
        amount = request.POST.get("amount") or (bill.amount if bill else 0)
        body = simulator.notification(billing_code=request.POST.get("billing_code", "").strip(), amount=int(amount),
                                      channel=request.POST.get("channel") or "mobile_banking")  # fmt: skip
        base = request.build_absolute_uri("/")
        result = simulator.send(body, base_url=base)
    return render(request, "billing/simulator.html", {"result": result, "channels": channels(),
                                                      "billing_code": request.GET.get("code", "")})  # fmt: skip
