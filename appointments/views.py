"""The applicant's appointment in the browser: choosing an office, day and session, the
bill and its renewal, cancelling, and the proof of application."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applicants import rules
from applicants import selectors as application_selectors
from appointments import services
from appointments.proof import pdf_response, qr_svg
from appointments.selectors import booking_preview, proof_of
from billing.channels import FORFEIT_NOTICE, channels
from billing.selectors import applied_payment, current_bill
from billing.words import rupiah_in_words
from core.errors import DomainError
from core.throttling import BOOKING, limit
from core.web import id_param
from queueing import selectors
from queueing import services as places
from queueing.models import SessionSlot


@login_required
def booking_page(request, application_id):
    """Choose an office, a day and a session; a chosen session is confirmed on a second page
    (office, day, session, amount, deadline) before the place is taken and the clock starts."""
    application = application_selectors.application_of(request.user, application_id)
    current = selectors.active_booking(application)
    offices = selectors.offices_for(application.passport_type)
    suggestion = {"office": None, "elsewhere": False, "nearby": []}
    office = next((o for o in offices if o.code == request.GET.get("office")), None)
    if office is None and current:
        office = current.slot.office
    if office is None:
        suggestion = selectors.office_suggestion(application.province, application.passport_type)
        office = suggestion["office"]
    status = 200
    if request.method == "POST":
        session = id_param(request.POST, "session")
        slot = SessionSlot.objects.select_related("office").filter(pk=session).first() if session else None
        if slot is None:
            messages.error(request, _("Please choose a session."))
            return redirect(request.get_full_path())
        priority = request.POST.get("priority") == "1"
        if request.POST.get("confirm") != "1":
            preview = booking_preview(application, slot, current=current)
            context = {"application": application, "preview": preview, "priority": priority}
            return render(request, "appointments/confirm.html", context)
        limit(request, *BOOKING)
        office = slot.office
        try:
            if current:
                places.booking_reschedule(booking=current, slot=slot, actor=request.user)
                messages.success(request, _("Your appointment has been moved."))
                return redirect("application_detail", application.pk)
            services.booking_create(application=application, slot=slot, actor=request.user, priority=priority)
            messages.success(request, _("The place is yours until the payment deadline. Please pay the fee now."))
            return redirect("bill_page", application.pk)
        except DomainError as exc:
            # The page again, with the refusal's message and status (a full session: the others left).
            messages.error(request, exc.message)
            status = exc.status
    days = selectors.availability(office) if office else []
    for day in days:
        day["day"] = date.fromisoformat(day["date"])  # shown as "Sen, 30 Nov"
    # Places on a day under its draw or waitlist are not free to take: they do not count here.
    has_places = any(s["remaining"] > 0 for d in days if d["opening"] == "book" for s in d["sessions"])
    return render(
        request,
        "appointments/booking.html",
        {
            "application": application,
            "current": current,
            "offices": offices,
            "office": office,
            "suggestion": suggestion,
            "days": days,
            "alternatives": []
            if has_places or not office
            else selectors.nearest_with_places(office, application.passport_type),
            "priority_eligible": rules.priority_eligible(rules.values_of(application)),
        },
        status=status,
    )


@login_required
@require_POST
def booking_cancel(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    current = selectors.active_booking(application)
    if current is None:
        raise Http404
    services.booking_cancel(booking=current, actor=request.user)  # a refusal is the one refusal page
    messages.success(request, _("The booking is cancelled and the place has been released."))
    return redirect("application_detail", application.pk)


@login_required
@require_GET
def bill_status(request, application_id):
    """The bill page's own small question, asked every few seconds while it waits for the bank:
    has the status changed? A few bytes, so a phone can ask it cheaply."""
    application = application_selectors.application_of(request.user, application_id)
    bill = current_bill(application)
    if bill is None:
        raise Http404
    return JsonResponse({"code": bill.code, "status": bill.effective_status})


@login_required
def bill_page(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    bill = current_bill(application)
    if bill is None:
        raise Http404
    return render(
        request,
        "appointments/bill.html",
        {
            "application": application,
            "bill": bill,
            "booking": selectors.active_booking(application),
            "channels": channels(),
            "in_words": rupiah_in_words(bill.amount),
            "payment": applied_payment(bill),
            "notice": FORFEIT_NOTICE,
            "simulator": settings.PAYMENT_SIMULATOR_ENABLED,
        },
    )


@login_required
@require_POST
def bill_renew(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    try:
        services.booking_renew(application=application, actor=request.user)
        messages.success(request, _("A new billing code has been issued and your place is held again."))
    except DomainError as exc:
        if not exc.extra.get("alternatives"):
            raise  # the one refusal page
        # The session is full now: the booking page, which lists the free ones, says so.
        messages.error(request, exc.message)
        return redirect("booking", application.pk)
    return redirect("bill_page", application.pk)


@login_required
def proof_page(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    bill, booking = proof_of(application)
    return render(
        request,
        "appointments/proof.html",
        {
            "application": application,
            "bill": bill,
            "booking": booking,
            "qr": qr_svg(booking.code),
            "payment": applied_payment(bill),
        },
    )


@login_required
def proof_pdf_view(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    bill, booking = proof_of(application)
    return pdf_response(application=application, booking=booking, bill=bill)
