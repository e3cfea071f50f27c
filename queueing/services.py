"""Every write to sessions, bookings and the queue.

Places are never counted in Python and then written: a booking inserts its row, then locks
its session row (`SELECT ... FOR UPDATE`, with a short lock timeout) and counts the bookings
that hold a place right now (its own included: unexpired holds and paid or used places);
over capacity, the whole transaction rolls back. Two sessions are always locked in id
order. A partial unique index refuses a second active booking for the same NIK whatever
the code path.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import identity, rules, workflow
from applicants.models import Application, ApplicationStatus
from billing import services as billing
from billing.models import BillStatus
from core.audit import log_action
from core.errors import DomainError
from core.locks import set_lock_timeout
from queueing import fastpath
from queueing.models import (
    ACTIVE,
    Booking,
    BookingStatus,
    Closure,
    Lane,
    Office,
    QueueTicket,
    SessionSlot,
    holds_place_q,
)
from queueing.selectors import alternatives_for, bookable_window, closures

B = BookingStatus


def slot_full_error() -> DomainError:
    return DomainError(
        "slot_full", _("This session has no places left. Please choose another session or office."), status=409
    )


# --- The calendar -----------------------------------------------------------------------------


@transaction.atomic
def slots_generate(*, office: Office, start: date, end: date) -> int:
    """Create the sessions of each working day from the office's defaults; existing ones stay."""
    closed = closures(office, start, end)
    templates = list(office.session_templates.all())
    new = []
    day = start
    while day <= end:
        if day.weekday() in office.working_days and day not in closed:
            for t in templates:
                new.append(SessionSlot(
                    office=office, date=day, start_time=t.start_time, end_time=t.end_time,
                    starts_at=SessionSlot.aware(office, day, t.start_time), ends_at=SessionSlot.aware(office, day, t.end_time),
                    capacity=t.capacity, priority_capacity=t.priority_capacity,
                ))  # fmt: skip
        day += timedelta(days=1)
    created = SessionSlot.objects.bulk_create(new, ignore_conflicts=True)
    transaction.on_commit(lambda: fastpath.forget_availability(office.code))
    return len(created)


def _taken(slot: SessionSlot, lane: str) -> int:
    return Booking.objects.filter(slot=slot, lane=lane).filter(holds_place_q()).count()


@transaction.atomic
def slot_set_capacity(
    *, slot: SessionSlot, capacity: int, priority_capacity: int, actor, reason: str = ""
) -> SessionSlot:
    """Override one day's quota. It may not drop below the places already taken."""
    slot = SessionSlot.objects.select_for_update().get(pk=slot.pk)
    errors = {}
    if capacity < _taken(slot, Lane.REGULAR):
        errors["capacity"] = [_("%(n)s regular places are already booked.") % {"n": _taken(slot, Lane.REGULAR)}]
    if priority_capacity < _taken(slot, Lane.PRIORITY):
        errors["priority_capacity"] = [
            _("%(n)s priority places are already booked.") % {"n": _taken(slot, Lane.PRIORITY)}
        ]
    if errors:
        raise DomainError(
            "capacity_below_bookings", _("The quota cannot be lower than the places already booked."), fields=errors
        )
    before = (slot.capacity, slot.priority_capacity)
    slot.capacity, slot.priority_capacity = capacity, priority_capacity
    slot.save(update_fields=["capacity", "priority_capacity"])
    log_action(None, actor, "slot_capacity_changed", reason=reason, public=False,
               data={"slot": slot.pk, "from": before, "to": [capacity, priority_capacity]})  # fmt: skip
    _after_change(slot)
    return slot


@transaction.atomic
def closure_declare(*, office: Office | None, day: date, reason: str, actor) -> list[Booking]:
    """Close a day (a holiday, or one office's closure). Returns the bookings to move."""
    Closure.objects.update_or_create(office=office, date=day, defaults={"reason": reason})
    slots = SessionSlot.objects.filter(date=day)
    if office is not None:
        slots = slots.filter(office=office)
    slots.update(is_open=False)
    log_action(None, actor, "closure_declared", reason=reason, public=False,
               data={"office": office.code if office else None, "date": day.isoformat()})  # fmt: skip
    codes = list(slots.values_list("office__code", flat=True).distinct())
    transaction.on_commit(lambda: fastpath.forget_availability(*codes))
    return list(Booking.objects.filter(slot__in=slots, status__in=ACTIVE).select_related("application"))


# --- Booking ----------------------------------------------------------------------------------------


def _after_change(*slots: SessionSlot) -> None:
    """After commit: drop the cached availability and any stale "full" hint."""

    def refresh():
        for slot in slots:
            fastpath.clear_full(slot.pk)
        fastpath.forget_availability(*{slot.office.code for slot in slots})

    transaction.on_commit(refresh)


def _check_bookable(slot: SessionSlot, application: Application) -> None:
    office = slot.office
    first, last = bookable_window(office)
    if not (office.is_active and slot.is_open and first <= slot.date <= last):
        raise DomainError(
            "slot_not_bookable", _("This session cannot be booked (it is past, closed or not open yet)."), status=409
        )
    if closures(office, slot.date, slot.date):
        raise DomainError("slot_not_bookable", _("The office is closed on that day."), status=409)
    if not office.serves(application.passport_type):
        raise DomainError("office_does_not_serve", _("This office does not issue this type of passport. Please choose another office."),
                          status=409)  # fmt: skip
    if application.service == "same_day" and not office.offers_same_day:
        raise DomainError("office_does_not_serve", _("This office does not offer same-day service."), status=409)


def _lanes(application: Application, priority: bool) -> list[str]:
    if not priority:
        return [Lane.REGULAR]
    if not rules.priority_eligible(rules.values_of(application)):
        raise DomainError("not_priority_eligible",
                          _("The priority lane is for the elderly, people with disabilities, pregnant women, "
                            "children under five and the sick. State the reason in the application first."),
                          status=403)  # fmt: skip
    return [Lane.PRIORITY, Lane.REGULAR]  # an eligible person may also take a regular place


def _refuse_if_visibly_full(slot: SessionSlot, lanes: list[str]) -> None:
    """Count without the lock first: a session that is already full is refused without
    queueing on its row, which a rush would otherwise turn into a wait for everyone.
    Only when a place looks free is the row locked and the count repeated."""
    if all(_taken(slot, lane) >= slot.lane_capacity(lane) for lane in lanes):
        for lane in lanes:
            _hint_full(slot, lane)
        raise slot_full_error()


def _hint_full(slot: SessionSlot, lane: str) -> None:
    """Cache "full" for a few seconds, but never past the moment the first unpaid hold lapses."""
    now = timezone.now()
    first_lapse = Booking.objects.filter(slot=slot, lane=lane, status=B.HELD, hold_until__gt=now).aggregate(
        at=Min("hold_until")
    )["at"]
    seconds = settings.SLOT_FULL_FLAG_SECONDS
    if first_lapse is not None:
        seconds = min(seconds, int((first_lapse - now).total_seconds()))
    if seconds >= 1:
        fastpath.mark_full(slot.pk, lane, seconds)


def _lock_slots(*slot_ids: int) -> dict[int, SessionSlot]:
    """Lock session rows in one fixed order (by id), so two movers never deadlock."""
    set_lock_timeout(settings.BOOKING_LOCK_TIMEOUT_MS)
    rows = (
        SessionSlot.objects.select_for_update(of=("self",))
        .select_related("office")
        .filter(pk__in=sorted(set(slot_ids)))
    )
    return {row.pk: row for row in rows.order_by("pk")}


def _lock_application(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


def _expire_stale_holds(nik: str) -> None:
    for booking in Booking.objects.filter(nik=nik, status=B.HELD, hold_until__lte=timezone.now()):
        booking_expire(booking=booking)


def booking_create(*, application: Application, slot: SessionSlot, actor, priority: bool = False) -> Booking:
    """Book a session for a submitted application and issue its bill, or refuse cleanly.

    Everything that does not depend on the places left is done first (checks, bill,
    booking row, status, audit); the session row is locked only at the end, to count the
    places held including this one. So the hot row is held for one count and the commit,
    and a refusal rolls everything back.
    """
    lanes = [Lane.PRIORITY, Lane.REGULAR] if priority else [Lane.REGULAR]
    if fastpath.is_full(slot.pk, lanes):
        raise slot_full_error()  # the database said so a moment ago; spare it the rush
    _refuse_if_visibly_full(slot, lanes)
    try:
        return _book(application, slot, actor, priority)
    except IntegrityError:
        # The person's NIK still has an unpaid hold whose deadline passed (the sweeper has
        # not tidied it yet), or, once in 10^14, a billing code was drawn twice: tidy, retry once.
        _expire_stale_holds(application.nik)
    try:
        return _book(application, slot, actor, priority)
    except IntegrityError:
        raise DomainError("nik_already_booked",
                          _("This NIK already has an active booking. One person can hold one booking at a time."),
                          status=409) from None  # fmt: skip


@transaction.atomic
def _book(application: Application, slot: SessionSlot, actor, priority: bool) -> Booking:
    application = _lock_application(application)
    if application.status == ApplicationStatus.BOOKED:
        # A hold that lapsed is expired whether or not the sweeper has been by: tidy it now.
        for lapsed in application.bookings.filter(status=B.HELD, hold_until__lte=timezone.now()):
            booking_expire(booking=lapsed)
        application.refresh_from_db()
    paid_bill = application.bills.filter(status=BillStatus.PAID).first() if application.status == "paid" else None
    rebooking = paid_bill is not None and not application.bookings.filter(status__in=ACTIVE).exists()
    if rebooking:
        # Paid, but the place was lost (a payment notice that came after the sweeper).
        if not workflow.may(workflow.MOVES["book"], application, actor):
            raise DomainError("permission_denied", _("You may not do this."), status=403)
    else:
        workflow.check("book", application, actor)
    _check_ready_to_book(application)
    lanes = _lanes(application, priority)
    _check_bookable(slot, application)
    bill = paid_bill or billing.bill_issue(application=application)
    booking = Booking.objects.create(
        application=application, slot=slot, nik=application.nik, lane=lanes[0], bill=bill,
        status=B.CONFIRMED if paid_bill else B.HELD, hold_until=None if paid_bill else bill.expires_at,
    )  # fmt: skip
    if rebooking:
        log_action(application, actor, "book", data=_describe(booking))
    else:
        workflow.transition(application, "book", actor, data=_describe(booking))
    slot = _lock_slots(slot.pk)[slot.pk]
    if not slot.is_open:
        raise DomainError("slot_not_bookable", _("This session cannot be booked (it is past, closed or not open yet)."),
                          status=409)  # fmt: skip
    booking.lane = _settle_lane(slot, booking, lanes)
    transaction.on_commit(lambda: fastpath.forget_availability(slot.office.code))
    return booking


def _settle_lane(slot: SessionSlot, booking: Booking, lanes: list[str]) -> str:
    """With the session locked and our booking inserted: keep it in the first lane where the
    count (ours included) stays within capacity, or refuse, which rolls it all back."""
    for lane in lanes:
        if lane != booking.lane:
            Booking.objects.filter(pk=booking.pk).update(lane=lane)
            booking.lane = lane
        taken = _taken(slot, lane)
        if taken <= slot.lane_capacity(lane):
            if taken == slot.lane_capacity(lane):
                transaction.on_commit(lambda lane=lane: _hint_full(slot, lane))
            return lane
        _hint_full(slot, lane)
    raise slot_full_error()


def _check_ready_to_book(application: Application) -> None:
    if settings.REQUIRE_VERIFIED_EMAIL and not application.owner.email_verified:
        raise DomainError("email_not_verified", _("Please confirm your email address before booking."), status=403)
    problems = rules.submission_problems(
        rules.values_of(application), dict(application.documents.values_list("kind", "status"))
    )
    if problems:
        raise DomainError("application_incomplete", _("The application is not complete; please fix it before booking."),
                          fields=problems)  # fmt: skip


def _describe(booking: Booking) -> dict:
    slot = booking.slot
    return {"booking": booking.code, "office": slot.office.code, "date": slot.date.isoformat(),
            "start": slot.start_time.strftime("%H:%M"), "lane": booking.lane}  # fmt: skip


def _lock_booking(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related("slot__office").get(pk=booking.pk)


def booking_requalify_lane(*, application: Application, actor) -> None:
    """After the applicant's details change (inside the caller's transaction, with the
    application locked): a priority-lane place held by someone no longer eligible moves to
    the regular lane of the same session, or the change is refused while there is no room."""
    booking = (
        Booking.objects.select_for_update().select_related("slot__office")
        .filter(application=application, status__in=(B.HELD, B.CONFIRMED), lane=Lane.PRIORITY).first()
    )  # fmt: skip
    if booking is None or rules.priority_eligible(rules.values_of(application)):
        return
    slot = _lock_slots(booking.slot_id)[booking.slot_id]
    Booking.objects.filter(pk=booking.pk).update(lane=Lane.REGULAR)
    if _taken(slot, Lane.REGULAR) > slot.capacity:
        message = _("Your place is in the priority lane. Without a priority reason it must move to a regular place, "
                    "and this session has none left: choose another session first, then change this.")  # fmt: skip
        raise DomainError("priority_place_held", message, status=409, fields={"priority_reason": [message]})
    log_action(application, actor, "lane_changed", data={"booking": booking.code, "from": Lane.PRIORITY,
                                                         "to": Lane.REGULAR})  # fmt: skip
    _after_change(slot)


@transaction.atomic
def booking_reschedule(*, booking: Booking, slot: SessionSlot, actor, special_reason: str = "") -> Booking:
    """Move to another session in one step: the new place is taken before the old is let go.

    An applicant may do this `MAX_RESCHEDULES` times, by the day before the appointment.
    Staff may grant a special reschedule (system failure, force majeure) with a reason.
    """
    application = _lock_application(booking.application)
    special = bool(special_reason.strip())
    if special and not (actor and actor.is_staff and actor.has_perm("queueing.special_reschedule")):
        raise DomainError("permission_denied", _("Only office staff may grant a special reschedule."), status=403)
    if not special and actor.pk != application.owner_id:
        raise DomainError("permission_denied", _("You may not do this."), status=403)
    locked = _lock_slots(booking.slot_id, slot.pk)
    booking = _lock_booking(booking)
    old_slot, new_slot = locked[booking.slot_id], locked[slot.pk]
    if booking.status not in (B.HELD, B.CONFIRMED) or booking.is_expired:
        raise DomainError("booking_not_active", _("This booking is no longer active."), status=409)
    if new_slot.pk == old_slot.pk:
        raise DomainError("same_session", _("That is the session you already have."), status=409)
    if not special:
        if booking.reschedules_used >= settings.MAX_RESCHEDULES:
            raise DomainError("reschedule_limit", _("A booking can be rescheduled only once."), status=409)
        if old_slot.office.local_today() >= old_slot.date:
            raise DomainError("reschedule_too_late", _("Rescheduling is possible until the day before the appointment."),
                              status=409)  # fmt: skip
    _check_bookable(new_slot, application)
    booking.status = B.MOVED
    booking.save(update_fields=["status", "updated_at"])
    moved = Booking.objects.create(
        application=application, slot=new_slot, nik=booking.nik, lane=booking.lane, bill=booking.bill,
        status=B.CONFIRMED if booking.hold_until is None else B.HELD, hold_until=booking.hold_until,
        reschedules_used=booking.reschedules_used + (0 if special else 1), moved_from=booking,
    )  # fmt: skip
    moved.lane = _settle_lane(
        new_slot, moved, [moved.lane] if moved.lane == Lane.REGULAR else [Lane.PRIORITY, Lane.REGULAR]
    )
    log_action(application, actor, "special_reschedule" if special else "reschedule", reason=special_reason,
               data={"from": _describe(booking), "to": _describe(moved)})  # fmt: skip
    _after_change(old_slot, new_slot)
    return moved


@transaction.atomic
def booking_cancel(*, booking: Booking, actor, reason: str = "") -> Booking:
    """Give the place back at once. A paid booking is rescheduled, not cancelled, by its owner."""
    application = _lock_application(booking.application)
    booking = _lock_booking(booking)
    if booking.status not in (B.HELD, B.CONFIRMED, B.EXPIRED):
        raise DomainError("booking_not_active", _("This booking is no longer active."), status=409)
    if booking.status == B.CONFIRMED:
        raise DomainError("booking_paid", _("The fee for this booking is paid; choose another session instead of cancelling."),
                          status=409)  # fmt: skip
    _release(booking)
    workflow.transition(application, "cancel_booking", actor, reason=reason, data=_describe(booking))
    return booking


def _release(booking: Booking) -> None:
    """Cancel a locked booking and its unpaid bill; its place is free from this commit on."""
    booking.status = B.CANCELLED
    booking.save(update_fields=["status", "updated_at"])
    if booking.bill_id:
        billing.bill_close(bill=booking.bill, status=BillStatus.CANCELLED)  # a paid bill stays paid
    _after_change(booking.slot)


def bookings_release(*, application: Application) -> int:
    """Cancel every active booking of an application (inside the caller's transaction, with
    the application locked), as when the application itself is withdrawn or cancelled."""
    bookings = list(Booking.objects.select_for_update(of=("self",)).select_related("slot__office", "bill")
                    .filter(application=application, status__in=ACTIVE))  # fmt: skip
    for booking in bookings:
        _release(booking)
    return len(bookings)


def booking_expire(*, booking: Booking) -> bool:
    """Expire an unpaid hold whose deadline passed. Safe to call twice, late or concurrently.

    Locks in the one order every writer uses: application, then booking, then bill.
    """
    with transaction.atomic():
        application = _lock_application(booking.application)
        booking = Booking.objects.select_for_update().select_related("slot__office").get(pk=booking.pk)
        if booking.status != B.HELD or booking.hold_until is None or booking.hold_until > timezone.now():
            return False
        booking.status = B.EXPIRED
        booking.save(update_fields=["status", "updated_at"])
        if booking.bill_id:
            billing.bill_close(bill=booking.bill, status=BillStatus.EXPIRED)
        if application.status == "booked":
            workflow.transition(application, "expire", None, data=_describe(booking))
        _after_change(booking.slot)
        return True


def booking_settle(*, application: Application, bill) -> bool:
    """An in-time payment settled the application: confirm its current booking on that bill.

    Inside the payment's transaction, with the application and its bills locked. The
    current booking is the newest one still held or lapsed (a renewal or a new booking
    may have moved it to a newer code); it now rests on the bill that was paid.
    """
    booking = (
        Booking.objects.select_for_update().select_related("slot__office")
        .filter(application=application, status__in=(B.HELD, B.EXPIRED)).order_by("-created_at", "-pk").first()
    )  # fmt: skip
    if booking is None:
        return False
    if booking.bill_id != bill.pk:
        booking.bill = bill
        booking.save(update_fields=["bill", "updated_at"])
    return _confirm_paid(booking)


def _confirm_paid(booking: Booking) -> bool:
    """The bill was paid in time: confirm the place (the booking is locked).

    If the notice came after the deadline (the hold lapsed, perhaps swept), the place is
    taken again if the session still has room; otherwise the application stays paid and
    the applicant books another session without paying again. Returns whether it was kept.
    """
    if booking.status == B.HELD and not booking.is_expired:
        booking.status, booking.hold_until = B.CONFIRMED, None
        booking.save(update_fields=["status", "hold_until", "updated_at"])
        return True
    if booking.status not in (B.HELD, B.EXPIRED):
        return False
    slot = _lock_slots(booking.slot_id)[booking.slot_id]
    if _taken(slot, booking.lane) >= slot.lane_capacity(booking.lane):
        if booking.status == B.HELD:
            booking.status = B.EXPIRED
            booking.save(update_fields=["status", "updated_at"])
        return False
    try:
        with transaction.atomic():
            booking.status, booking.hold_until = B.CONFIRMED, None
            booking.save(update_fields=["status", "hold_until", "updated_at"])
    except IntegrityError:  # the person booked elsewhere in the meantime
        booking.refresh_from_db()
        return False
    _after_change(slot)
    return True


def booking_renew(*, application: Application, actor) -> Booking:
    """A fresh billing code for an expired, unpaid bill, without re-entering anything.

    The same session is booked again if it still has room; otherwise the refusal lists
    the nearest free sessions.
    """
    with transaction.atomic():
        application = _lock_application(application)
        current = application.bookings.select_related("slot__office", "bill").order_by("-created_at", "-pk").first()
        if current is not None and current.status == B.HELD and current.is_expired:
            booking_expire(booking=current)
            application.refresh_from_db()
        if application.status != "expired" or current is None:
            raise DomainError("not_renewable", _("Only an expired, unpaid bill can be renewed."), status=409)
        try:
            booking = booking_create(application=application, slot=current.slot, actor=actor,
                                     priority=current.lane == Lane.PRIORITY)  # fmt: skip
        except DomainError as exc:
            if exc.code not in ("slot_full", "slot_not_bookable"):
                raise
            raise DomainError(exc.code, _("Your session is no longer available. Please choose one of the free sessions."),
                              status=409, extra={"alternatives": alternatives_for(application, current.slot)}) from None  # fmt: skip
        booking.bill.renewed_from = current.bill
        booking.bill.save(update_fields=["renewed_from"])
        log_action(application, actor, "bill_renewed", data={"old": current.bill.code if current.bill else None,
                                                             "new": booking.bill.code})  # fmt: skip
        return booking


def bookings_expire_due(*, limit: int = 1000) -> int:
    """The sweeper: tidy holds already expired by the clock. Correctness never waits for it."""
    due = Booking.objects.filter(status=B.HELD, hold_until__lte=timezone.now()).order_by("hold_until")[:limit]
    return sum(booking_expire(booking=booking) for booking in due)


# --- On the day -----------------------------------------------------------------------------------


def application_check_in(*, application: Application, actor) -> QueueTicket:
    """Check in from the application's page (staff who have it open rather than the code)."""
    booking = Booking.objects.filter(application=application, status__in=ACTIVE).select_related("slot__office").first()
    if booking is None:
        raise DomainError("booking_not_found", _("This application has no booking."), status=404)
    return booking_check_in(code=booking.code, office=booking.slot.office, actor=actor)


@transaction.atomic
def booking_check_in(*, code: str, office: Office, actor) -> QueueTicket:
    """Staff scan or type the booking code; the applicant gets a queue number."""
    code = identity.typed_code(code)[:8]  # as typed or scanned: lower case, spaces, other digits
    found = Booking.objects.filter(code=code).only("application_id").first()
    if found is None:
        raise DomainError("booking_not_found", _("No booking has this code."), status=404)
    application = Application.objects.select_for_update().get(pk=found.application_id)
    booking = Booking.objects.select_for_update().select_related("slot__office").get(pk=found.pk)
    if booking.slot.office_id != office.pk:
        raise DomainError(
            "wrong_office", _("This booking is for %(office)s.") % {"office": booking.slot.office.name}, status=409
        )
    if booking.status == B.CHECKED_IN:
        return booking.ticket
    if booking.status != B.CONFIRMED:
        raise DomainError("not_paid", _("This booking is not paid, so it cannot be checked in."), status=409)
    today = office.local_today()
    if booking.slot.date != today:
        raise DomainError(
            "wrong_day", _("This booking is for %(date)s.") % {"date": booking.slot.date.isoformat()}, status=409
        )
    workflow.transition(application, "check_in", actor, data=_describe(booking))
    booking.status = B.CHECKED_IN
    booking.save(update_fields=["status", "updated_at"])
    priority = booking.lane == Lane.PRIORITY or rules.priority_eligible(rules.values_of(application))
    prefix = "P" if priority else "A"
    Office.objects.select_for_update().filter(pk=office.pk).first()  # one numbering at a time per office
    issued = QueueTicket.objects.filter(office=office, date=today, priority=priority).count()
    number = f"{prefix}{issued + 1:03d}"
    return QueueTicket.objects.create(booking=booking, office=office, date=today, number=number, priority=priority)


@transaction.atomic
def queue_call_next(*, office: Office, counter: str, actor) -> QueueTicket | None:
    """Call the next waiting number to a counter: priority numbers first, then by arrival."""
    ticket = (
        QueueTicket.objects.select_for_update(skip_locked=True)
        .filter(office=office, date=office.local_today(), called_at__isnull=True)
        .order_by("-priority", "checked_in_at")
        .first()
    )
    if ticket is None:
        return None
    ticket.called_at, ticket.counter, ticket.called_by = timezone.now(), counter[:10], actor
    ticket.save(update_fields=["called_at", "counter", "called_by"])
    return ticket


def bookings_mark_no_shows(*, now=None) -> int:
    """Paid bookings whose session ended without a check-in: the fee is forfeited."""
    now = now or timezone.now()
    count = 0
    for booking in Booking.objects.filter(status=B.CONFIRMED, slot__ends_at__lte=now).select_related("slot__office"):
        with transaction.atomic():
            application = _lock_application(booking.application)
            booking = Booking.objects.select_for_update().filter(pk=booking.pk, status=B.CONFIRMED).first()
            if booking is None:
                continue
            booking.status = B.NO_SHOW
            booking.save(update_fields=["status", "updated_at"])
            if application.status == "paid":
                workflow.transition(application, "no_show", None, reason=_("Did not come to the appointment."),
                                    data=_describe(booking))  # fmt: skip
            count += 1
    return count
