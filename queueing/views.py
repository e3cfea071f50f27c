"""Choosing an office, day and session in the browser; check-in and the queue at the office."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applicants import rules
from applicants import selectors as application_selectors
from core.errors import DomainError
from core.throttling import client_address, enforce
from core.web import id_param, text_param
from queueing import selectors, services
from queueing.models import Office, QueueTicket, SessionSlot


def _default_office(application, offices):
    for office in offices:
        if application.province and office.province.lower() == application.province.lower():
            return office
    return offices[0] if offices else None


@login_required
def booking_page(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    current = selectors.active_booking(application)
    offices = selectors.offices_for(application.passport_type)
    office = next((o for o in offices if o.code == request.GET.get("office")), None)
    office = office or (current.slot.office if current else _default_office(application, offices))
    if request.method == "POST":
        enforce("booking_account", f"u{request.user.pk}")
        enforce("booking_address", f"a{client_address(request)}")
        session = id_param(request.POST, "session")
        slot = SessionSlot.objects.select_related("office").filter(pk=session).first() if session else None
        if slot is None:
            messages.error(request, _("Please choose a session."))
            return redirect(request.get_full_path())
        try:
            if current:
                services.booking_reschedule(booking=current, slot=slot, actor=request.user)
                messages.success(request, _("Your appointment has been moved."))
            else:
                services.booking_create(application=application, slot=slot, actor=request.user,
                                        priority=request.POST.get("priority") == "1")  # fmt: skip
                messages.success(request, _("The place is yours until the payment deadline. Please pay the fee now."))
            return redirect("application_detail", application.pk)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect(f"{request.path}?office={slot.office.code}")
    days = selectors.availability(office) if office else []
    for day in days:
        day["day"] = date.fromisoformat(day["date"])  # shown as "Sen, 30 Nov"
    has_places = any(s["remaining"] > 0 for d in days for s in d["sessions"])
    return render(request, "queueing/booking.html", {
        "application": application, "current": current, "offices": offices, "office": office, "days": days,
        "alternatives": [] if has_places or not office else selectors.nearest_with_places(office, application.passport_type),
        "priority_eligible": rules.priority_eligible(rules.values_of(application)),
    })  # fmt: skip


@login_required
@require_POST
def booking_cancel(request, application_id):
    application = application_selectors.application_of(request.user, application_id)
    current = selectors.active_booking(application)
    if current is None:
        raise Http404
    try:
        services.booking_cancel(booking=current, actor=request.user)
        messages.success(request, _("The booking is cancelled and the place has been released."))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("application_detail", application.pk)


def _staff_office(request):
    offices = Office.objects.filter(is_active=True).order_by("name")
    office = offices.filter(code=text_param(request.GET, "office") or text_param(request.POST, "office")).first()
    return offices, office or offices.first()


@login_required
@permission_required("applicants.check_in_application", raise_exception=True)
def queue_desk(request):
    """The customer-service desk: check applicants in and call the next number."""
    offices, office = _staff_office(request)
    if request.method == "POST" and office is not None:
        try:
            if request.POST.get("action") == "check_in":
                code = text_param(request.POST, "code")
                ticket = services.booking_check_in(code=code, office=office, actor=request.user)
                messages.success(request, _("Checked in. Queue number: %(number)s") % {"number": ticket.number})
            elif request.POST.get("action") == "call":
                ticket = services.queue_call_next(
                    office=office, counter=text_param(request.POST, "counter", max_length=10) or "1", actor=request.user
                )
                if ticket:
                    messages.success(
                        request,
                        _("Calling %(number)s to counter %(counter)s")
                        % {"number": ticket.number, "counter": ticket.counter},
                    )
                else:
                    messages.info(request, _("Nobody is waiting."))
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(f"{request.path}?office={office.code}")
    today = office.local_today() if office else None
    tickets = (
        QueueTicket.objects.filter(office=office, date=today).select_related("booking__application") if office else []
    )
    return render(request, "queueing/desk.html", {
        "offices": offices, "office": office,
        "waiting": [t for t in tickets if t.called_at is None],
        "called": sorted((t for t in tickets if t.called_at), key=lambda t: t.called_at, reverse=True)[:10],
    })  # fmt: skip


def queue_board(request, code):
    """The public screen in the waiting room: numbers being called. Refreshes itself."""
    office = get_object_or_404(Office, code=code)
    called = QueueTicket.objects.filter(office=office, date=office.local_today(), called_at__isnull=False).order_by(
        "-called_at"
    )[:8]
    waiting = QueueTicket.objects.filter(office=office, date=office.local_today(), called_at__isnull=True).count()
    return render(request, "queueing/board.html", {"office": office, "called": called, "waiting": waiting})
