"""The development payment simulator: pays a bill through the gateway's real signed callback."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from billing import simulator
from billing.channels import channels
from billing.models import Bill


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
            body = simulator.notification(
                billing_code=code,
                amount=int(amount) if amount else (bill.amount if bill else 0),
                channel=request.POST.get("channel") or "mobile_banking",
            )
            result = simulator.send(body, base_url=request.build_absolute_uri("/"))
    return render(
        request,
        "billing/simulator.html",
        {"result": result, "channels": channels(), "billing_code": request.GET.get("code", "")},
    )
