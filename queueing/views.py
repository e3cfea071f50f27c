"""Check-in and the queue at the office; the waiting room's board."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.web import text_param
from queueing import services
from queueing.models import Office, QueueTicket


def _staff_office(request):
    offices = Office.objects.filter(is_active=True).order_by("name")
    office = offices.filter(code=text_param(request.GET, "office") or text_param(request.POST, "office")).first()
    return offices, office or offices.first()


@login_required
@permission_required("applicants.check_in_application", raise_exception=True)
def queue_desk(request):
    """The customer-service desk: check applicants in and call the next number."""
    offices, office = _staff_office(request)
    status = 200
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
            # The desk again, with the refusal's message and status (a wrong code, a wrong day).
            messages.error(request, exc.message)
            status = exc.status
        else:
            return redirect(f"{request.path}?office={office.code}")
    today = office.local_today() if office else None
    tickets = (
        QueueTicket.objects.filter(office=office, date=today).select_related("booking__application") if office else []
    )
    return render(
        request,
        "queueing/desk.html",
        {
            "offices": offices,
            "office": office,
            "waiting": [t for t in tickets if t.called_at is None],
            "called": sorted((t for t in tickets if t.called_at), key=lambda t: t.called_at, reverse=True)[:10],
        },
        status=status,
    )


def queue_board(request, code):
    """The public screen in the waiting room: numbers being called. Refreshes itself."""
    office = get_object_or_404(Office, code=code)
    called = QueueTicket.objects.filter(office=office, date=office.local_today(), called_at__isnull=False).order_by(
        "-called_at"
    )[:8]
    waiting = QueueTicket.objects.filter(office=office, date=office.local_today(), called_at__isnull=True).count()
    return render(request, "queueing/board.html", {"office": office, "called": called, "waiting": waiting})
