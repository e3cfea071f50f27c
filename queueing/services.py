"""Every write to sessions, places and the queue on the day.

Places are never counted in Python and then written: a booking inserts its row, then locks
its session row (`SELECT ... FOR UPDATE`, with a short lock timeout) and counts the bookings
that hold a place right now (its own included: unexpired holds and paid or used places);
over capacity, the whole transaction rolls back. Two sessions are always locked in id
order (`core.locks`). A partial unique index refuses a second active booking for the same
NIK whatever the code path; `booking_follow_application` keeps the booking's copy of the
NIK equal to the application's.

Booking a place together with its bill, and settling it by a payment, are the use cases
of `appointments`, which call the place functions here inside their transaction.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import identity, rules, workflow
from applicants.models import Application
from core import locks
from core.audit import log_action
from core.errors import DomainError
from queueing import hints, releases
from queueing.models import (
    ACTIVE,
    Booking,
    Closure,
    Lane,
    Office,
    OpeningMode,
    QueueTicket,
    SessionSlot,
    holds_place_q,
)
from queueing.models import BookingStatus as B
from queueing.selectors import bookable_window, closures
from queueing.workflow import BOOKINGS


def slot_full_error() -> DomainError:
    return DomainError(
        "slot_full", _("This session has no places left. Please choose another session or office."), status=409
    )


def slot_not_bookable_error() -> DomainError:
    return DomainError(
        "slot_not_bookable", _("This session cannot be booked (it is past, closed or not open yet)."), status=409
    )


# --- The calendar (staff and the periodic job; the admin's change view holds the transaction) ------


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
                new.append(
                    SessionSlot(
                        office=office,
                        date=day,
                        start_time=t.start_time,
                        end_time=t.end_time,
                        starts_at=SessionSlot.aware(office, day, t.start_time),
                        ends_at=SessionSlot.aware(office, day, t.end_time),
                        capacity=t.capacity,
                        priority_capacity=t.priority_capacity,
                    )
                )
        day += timedelta(days=1)
    created = SessionSlot.objects.bulk_create(new, ignore_conflicts=True)
    transaction.on_commit(lambda: hints.forget_availability(office.code))
    return len(created)


def _taken(slot: SessionSlot, lane: str) -> int:
    return Booking.objects.filter(slot=slot, lane=lane).filter(holds_place_q()).count()


@transaction.atomic
def slot_set_capacity(
    *, slot: SessionSlot, capacity: int, priority_capacity: int, actor, reason: str = ""
) -> SessionSlot:
    """Override one day's quota. It may not drop below the places already taken."""
    slot = locks.lock(SessionSlot.objects, slot.pk)
    slot_check_capacity(slot=slot, capacity=capacity, priority_capacity=priority_capacity)
    before = (slot.capacity, slot.priority_capacity)
    slot.capacity, slot.priority_capacity = capacity, priority_capacity
    slot.save(update_fields=["capacity", "priority_capacity"])
    data = {"slot": slot.pk, "from": before, "to": [capacity, priority_capacity]}
    log_action(None, actor, "slot_capacity_changed", reason=reason, public=False, data=data)
    after_change(slot)
    return slot


def slot_check_capacity(*, slot: SessionSlot, capacity: int, priority_capacity: int) -> None:
    """Raise the refusal of a quota below the places already taken."""
    errors = {}
    regular, priority = _taken(slot, Lane.REGULAR), _taken(slot, Lane.PRIORITY)
    if capacity < regular:
        errors["capacity"] = [_("%(n)s regular places are already booked.") % {"n": regular}]
    if priority_capacity < priority:
        errors["priority_capacity"] = [_("%(n)s priority places are already booked.") % {"n": priority}]
    if errors:
        raise DomainError(
            "capacity_below_bookings", _("The quota cannot be lower than the places already booked."), fields=errors
        )


@transaction.atomic
def closure_declare(*, office: Office | None, day: date, reason: str, actor) -> list[Booking]:
    """Close a day (a holiday, or one office's closure). Returns the bookings to move."""
    Closure.objects.update_or_create(office=office, date=day, defaults={"reason": reason})
    slots = SessionSlot.objects.filter(date=day)
    if office is not None:
        slots = slots.filter(office=office)
    slots.update(is_open=False)
    data = {"office": office.code if office else None, "date": day.isoformat()}
    log_action(None, actor, "closure_declared", reason=reason, public=False, data=data)
    codes = list(slots.values_list("office__code", flat=True).distinct())
    transaction.on_commit(lambda: hints.forget_availability(*codes))
    return list(Booking.objects.filter(slot__in=slots, status__in=ACTIVE).select_related("application"))


# --- Places (inside a use case's transaction) --------------------------------------------------------


def after_change(*slots: SessionSlot) -> None:
    """After commit: drop the cached availability and any stale "full" hint."""

    def refresh():
        for slot in slots:
            hints.clear_full(slot.pk)
        hints.forget_availability(*{slot.office.code for slot in slots})

    transaction.on_commit(refresh)


def slot_check_bookable(
    slot: SessionSlot, application: Application, *, through_draw: bool = False, day_read=None
) -> None:
    """Raise why this session cannot be booked for this application now.

    `through_draw`: the place is given by the draw or a waitlist offer, not taken directly,
    so a day under its draw or waitlist does not refuse it. `day_read`: (release, closed)
    of the session's day when the caller has read them already."""
    office = slot.office
    first, last = bookable_window(office)
    if not (office.is_active and slot.is_open and first <= slot.date <= last):
        raise slot_not_bookable_error()
    release, closed = day_read or (releases.UNREAD, None)
    if not through_draw and office.opening_mode == OpeningMode.DRAW:
        releases.refuse_direct_booking(office, slot.date, slot.pk, release=release)
    if closed if closed is not None else closures(office, slot.date, slot.date):
        raise DomainError("slot_not_bookable", _("The office is closed on that day."), status=409)
    if not office.serves(application.passport_type):
        message = _("This office does not issue this type of passport. Please choose another office.")
        raise DomainError("office_does_not_serve", message, status=409)
    if application.service == "same_day" and not office.offers_same_day:
        raise DomainError("office_does_not_serve", _("This office does not offer same-day service."), status=409)


def booking_lanes(application: Application, priority: bool) -> list[str]:
    """The lanes to try, in order: an eligible person asking for priority may also take a regular place."""
    if not priority:
        return [Lane.REGULAR]
    if not rules.priority_eligible(rules.values_of(application)):
        message = _(
            "The priority lane is for the elderly, people with disabilities, pregnant women, children under five "
            "and the sick. State the reason in the application first."
        )
        raise DomainError("not_priority_eligible", message, status=403)
    return [Lane.PRIORITY, Lane.REGULAR]


def place_refuse_if_full(slot: SessionSlot, lanes: list[str]) -> None:
    """Refuse a session that is already full without touching its row lock.

    The "full" hint first (the database said so a moment ago); then a count without the
    lock, so a rush on a full session does not queue on its row. Only when a place looks
    free is the row locked and the count repeated (`place_hold`).
    """
    if hints.is_full(slot.pk, lanes):
        raise slot_full_error()
    place_refuse_if_counted_full(slot, lanes)


def place_refuse_if_counted_full(slot: SessionSlot, lanes: list[str], taken: dict[str, int] | None = None) -> None:
    """The count part of `place_refuse_if_full`, for a caller that has just looked at the hint
    (`taken`: the places held per lane, when the caller has counted them)."""
    taken = taken if taken is not None else {lane: _taken(slot, lane) for lane in lanes}
    if all(taken[lane] >= slot.lane_capacity(lane) for lane in lanes):
        for lane in lanes:
            _hint_full(slot, lane)
        raise slot_full_error()


def _hint_full(slot: SessionSlot, lane: str) -> None:
    """Cache "full" for a few seconds, but never past the moment the first unpaid hold lapses."""
    now = timezone.now()
    held = Booking.objects.filter(slot=slot, lane=lane, status=B.HELD, hold_until__gt=now)
    first_lapse = held.aggregate(at=Min("hold_until"))["at"]
    seconds = settings.SLOT_FULL_FLAG_SECONDS
    if first_lapse is not None:
        seconds = min(seconds, int((first_lapse - now).total_seconds()))
    if seconds >= 1:
        hints.mark_full(slot.pk, lane, seconds)


def _lock_slots(*slot_ids: int, office: Office | None = None) -> dict[int, SessionSlot]:
    """Lock session rows in one fixed order (by id), so two movers never deadlock.

    `office`: the sessions' office, already read (the booking's checks read it before any
    lock): only the session rows are read again, the hot part of a rush."""
    rows = SessionSlot.objects.filter(pk__in=set(slot_ids))
    if office is None:
        return {row.pk: row for row in locks.lock_all(rows.select_related("office"))}
    locked = {row.pk: row for row in locks.lock_all(rows)}
    for row in locked.values():
        row.office = office
    return locked


def place_hold(
    *, application: Application, slot: SessionSlot, bill, lanes: list[str], paid: bool, before_lock=None
) -> Booking:
    """Insert the booking, then lock the session and count the places held, this one
    included: kept in the first lane with room, or refused, which rolls the use case back.

    Everything else is done before this, so the hot session row is held for one count and
    the commit. `before_lock(booking)` is that "everything else" which needs the booking row
    (its status move and audit row): run after the insert, before the lock.
    """
    locks.require_transaction()
    booking = Booking.objects.create(
        application=application,
        slot=slot,
        nik=application.nik,
        lane=lanes[0],
        bill=bill,
        status=B.CONFIRMED if paid else B.HELD,
        hold_until=None if paid else bill.expires_at,
    )
    if before_lock is not None:
        before_lock(booking)
    slot = _lock_slots(slot.pk, office=slot.office)[slot.pk]
    if not slot.is_open:
        raise slot_not_bookable_error()
    booking.lane = settle_lane(slot, booking, lanes)
    transaction.on_commit(lambda: hints.forget_availability(slot.office.code))
    return booking


def settle_lane(slot: SessionSlot, booking: Booking, lanes: list[str]) -> str:
    """With the session locked and our booking inserted: keep it in the first lane where the
    count (ours included) stays within capacity, or refuse."""
    for lane in lanes:
        if lane != booking.lane:
            Booking.objects.filter(pk=booking.pk).update(lane=lane)
            booking.lane = lane
        if lane_fits(slot, lane, _taken(slot, lane)):
            return lane
    raise slot_full_error()


def lane_fits(slot: SessionSlot, lane: str, taken: int) -> bool:
    """With the session locked and `taken` counting our booking: whether it stays within the
    lane's capacity. The session is hinted full once the last place goes (after commit), or at
    once when nothing fits."""
    capacity = slot.lane_capacity(lane)
    if taken <= capacity:
        if taken == capacity:
            transaction.on_commit(lambda: _hint_full(slot, lane))
        return True
    _hint_full(slot, lane)
    return False


def describe(booking: Booking) -> dict:
    slot = booking.slot
    return {
        "booking": booking.code,
        "office": slot.office.code,
        "date": slot.date.isoformat(),
        "start": slot.start_time.strftime("%H:%M"),
        "lane": booking.lane,
    }


def booking_lapse(*, booking: Booking) -> bool:
    """An unpaid hold past its deadline is expired (it stopped counting at the deadline)."""
    booking = locks.lock(Booking.objects.select_related("slot__office"), booking.pk)
    if booking.status != B.HELD or booking.hold_until is None or booking.hold_until > timezone.now():
        return False
    BOOKINGS.move(booking, "lapse", data=describe(booking))
    after_change(booking.slot)
    return True


def booking_release(*, booking: Booking, actor=None, reason: str = "") -> Booking:
    """Give a locked booking's place back: it counts no more from this commit on."""
    BOOKINGS.move(booking, "cancel", actor, reason=reason, data=describe(booking))
    after_change(booking.slot)
    return booking


def bookings_active(application: Application) -> list[Booking]:
    """The application's bookings that hold or may hold a place, locked."""
    active = Booking.objects.select_related("slot__office", "bill").filter(application=application, status__in=ACTIVE)
    return locks.lock_all(active)


def booking_settle(*, application: Application, bill) -> bool:
    """An in-time payment settled the application: confirm its current booking on that bill.

    The current booking is the newest one still held or lapsed (a renewal or a new booking
    may have moved it to a newer code); it now rests on the bill that was paid. Returns
    whether the place was kept.
    """
    current = Booking.objects.filter(application=application, status__in=(B.HELD, B.EXPIRED))
    booking = current.order_by("-created_at", "-pk").first()
    if booking is None:
        return False
    booking = locks.lock(Booking.objects.select_related("slot__office"), booking.pk)
    if booking.bill_id != bill.pk:
        booking.bill = bill
        booking.save(update_fields=["bill", "updated_at"])
    return _confirm_paid(booking)


def _confirm_paid(booking: Booking) -> bool:
    """The bill was paid in time: confirm the place (the booking is locked).

    If the notice came after the deadline (the hold lapsed, perhaps swept), the place is
    taken again if the session still has room; otherwise the application stays paid and
    the applicant books another session without paying again.
    """
    if booking.status == B.HELD and not booking.is_expired:
        BOOKINGS.move(booking, "confirm", data=describe(booking), also={"hold_until": None})
        return True
    slot = _lock_slots(booking.slot_id)[booking.slot_id]
    if _taken(slot, booking.lane) >= slot.lane_capacity(booking.lane):
        if booking.status == B.HELD:
            BOOKINGS.move(booking, "lapse", data=describe(booking))
        return False
    try:
        with transaction.atomic():
            BOOKINGS.move(booking, "confirm", data=describe(booking), also={"hold_until": None})
    except IntegrityError:  # the person booked elsewhere in the meantime
        booking.refresh_from_db()
        return False
    after_change(slot)
    return True


# --- Following the application ------------------------------------------------------------------------


def booking_follow_application(*, application: Application, actor, changed: dict) -> None:
    """After the applicant's details change (`applicants.services.application_update`, with
    the application locked): the one home of "one booking per NIK".

    The booking's copy of the NIK follows a staff correction of the NIK (the partial unique
    index then guards the right number, and refuses a NIK another person has booked), and a
    priority-lane place held by someone no longer eligible moves to the regular lane of the
    same session, or the change is refused while there is no room.
    """
    booking = (
        Booking.objects.select_related("slot__office")
        .filter(application=application, status__in=(B.HELD, B.CONFIRMED, B.CHECKED_IN))
        .first()
    )
    if booking is None:
        return
    booking = locks.lock(Booking.objects.select_related("slot__office"), booking.pk)
    if "nik" in changed and booking.nik != application.nik:
        try:
            with transaction.atomic():
                Booking.objects.filter(pk=booking.pk).update(nik=application.nik)
        except IntegrityError:
            message = _("This NIK already has an active booking. One person can hold one booking at a time.")
            raise DomainError("nik_already_booked", message, status=409, fields={"nik": [message]}) from None
    if booking.lane != Lane.PRIORITY or booking.status == B.CHECKED_IN:
        return
    if rules.priority_eligible(rules.values_of(application)):
        return
    slot = _lock_slots(booking.slot_id)[booking.slot_id]
    Booking.objects.filter(pk=booking.pk).update(lane=Lane.REGULAR)
    if _taken(slot, Lane.REGULAR) > slot.capacity:
        message = _(
            "Your place is in the priority lane. Without a priority reason it must move to a regular place, "
            "and this session has none left: choose another session first, then change this."
        )
        raise DomainError("priority_place_held", message, status=409, fields={"priority_reason": [message]})
    data = {"booking": booking.code, "from": Lane.PRIORITY, "to": Lane.REGULAR}
    log_action(application, actor, "lane_changed", data=data)
    after_change(slot)


# --- Rescheduling -------------------------------------------------------------------------------------


@locks.use_case
def booking_reschedule(*, booking: Booking, slot: SessionSlot, actor, special_reason: str = "") -> Booking:
    """Move to another session in one step: the new place is taken before the old is let go.

    An applicant may do this `MAX_RESCHEDULES` times, by the day before the appointment.
    Staff may grant a special reschedule (system failure, force majeure) with a reason.
    """
    application = locks.lock(Application.objects, booking.application_id)
    special = bool(special_reason.strip())
    if special and not (actor and actor.is_staff and actor.has_perm("queueing.special_reschedule")):
        raise DomainError("permission_denied", _("Only office staff may grant a special reschedule."), status=403)
    if not special and actor.pk != application.owner_id:
        raise DomainError("permission_denied", _("You may not do this."), status=403)
    locked = _lock_slots(booking.slot_id, slot.pk)
    booking = locks.lock(Booking.objects.select_related("slot__office"), booking.pk)
    old_slot, new_slot = locked[booking.slot_id], locked[slot.pk]
    if not BOOKINGS.can(booking, "move") or booking.is_expired:
        raise DomainError("booking_not_active", _("This booking is no longer active."), status=409)
    if new_slot.pk == old_slot.pk:
        raise DomainError("same_session", _("That is the session you already have."), status=409)
    if not special:
        if booking.reschedules_used >= settings.MAX_RESCHEDULES:
            message = _("This booking has been rescheduled as often as allowed (%(count)s times).") % {
                "count": settings.MAX_RESCHEDULES
            }
            raise DomainError("reschedule_limit", message, status=409)
        if old_slot.office.local_today() >= old_slot.date:
            message = _("Rescheduling is possible until the day before the appointment.")
            raise DomainError("reschedule_too_late", message, status=409)
    slot_check_bookable(new_slot, application)
    BOOKINGS.move(booking, "move", actor, reason=special_reason, data=describe(booking))
    moved = Booking.objects.create(
        application=application,
        slot=new_slot,
        nik=booking.nik,
        lane=booking.lane,
        bill=booking.bill,
        status=B.CONFIRMED if booking.hold_until is None else B.HELD,
        hold_until=booking.hold_until,
        reschedules_used=booking.reschedules_used + (0 if special else 1),
        moved_from=booking,
    )
    lanes = [moved.lane] if moved.lane == Lane.REGULAR else [Lane.PRIORITY, Lane.REGULAR]
    moved.lane = settle_lane(new_slot, moved, lanes)
    data = {"from": describe(booking), "to": describe(moved)}
    log_action(application, actor, "special_reschedule" if special else "reschedule", reason=special_reason, data=data)
    after_change(old_slot, new_slot)
    return moved


# --- On the day -----------------------------------------------------------------------------------


def application_check_in(*, application: Application, actor) -> QueueTicket:
    """Check in from the application's page (staff who have it open rather than the code)."""
    booking = Booking.objects.filter(application=application, status__in=ACTIVE).select_related("slot__office").first()
    if booking is None:
        raise DomainError("booking_not_found", _("This application has no booking."), status=404)
    return booking_check_in(code=booking.code, office=booking.slot.office, actor=actor)


@locks.use_case
def booking_check_in(*, code: str, office: Office, actor) -> QueueTicket:
    """Staff scan or type the booking code; the applicant gets a queue number."""
    code = identity.typed_code(code)[:8]  # as typed or scanned: lower case, spaces, other digits
    found = Booking.objects.filter(code=code).only("application_id").first()
    if found is None:
        raise DomainError("booking_not_found", _("No booking has this code."), status=404)
    application = locks.lock(Application.objects, found.application_id)
    booking = locks.lock(Booking.objects.select_related("slot__office"), found.pk)
    if booking.slot.office_id != office.pk:
        message = _("This booking is for %(office)s.") % {"office": booking.slot.office.name}
        raise DomainError("wrong_office", message, status=409)
    if booking.status == B.CHECKED_IN:
        return booking.ticket
    if booking.status != B.CONFIRMED:
        raise DomainError("not_paid", _("This booking is not paid, so it cannot be checked in."), status=409)
    today = office.local_today()
    if booking.slot.date != today:
        message = _("This booking is for %(date)s.") % {"date": booking.slot.date.isoformat()}
        raise DomainError("wrong_day", message, status=409)
    workflow.transition(application, "check_in", actor, data=describe(booking))
    BOOKINGS.move(booking, "check_in", actor)
    priority = booking.lane == Lane.PRIORITY or rules.priority_eligible(rules.values_of(application))
    prefix = "P" if priority else "A"
    locks.lock(Office.objects, office.pk)  # one numbering at a time per office
    issued = QueueTicket.objects.filter(office=office, date=today, priority=priority).count()
    number = f"{prefix}{issued + 1:03d}"
    return QueueTicket.objects.create(booking=booking, office=office, date=today, number=number, priority=priority)


@locks.use_case
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


@locks.use_case
def booking_mark_no_show(*, booking: Booking) -> bool:
    """A paid booking whose session ended without a check-in: the fee is forfeited."""
    application = locks.lock(Application.objects, booking.application_id)
    booking = locks.lock(Booking.objects.select_related("slot__office"), booking.pk)
    if not BOOKINGS.can(booking, "no_show"):
        return False
    BOOKINGS.move(booking, "no_show", data=describe(booking))
    if workflow.MACHINE.can(application, "no_show"):
        reason = _("Did not come to the appointment.")
        workflow.transition(application, "no_show", None, reason=reason, data=describe(booking))
    return True


def bookings_mark_no_shows(*, now=None) -> int:
    """Every paid booking whose session has ended without a check-in. Safe to run twice."""
    due = Booking.objects.filter(status=B.CONFIRMED, slot__ends_at__lte=now or timezone.now())
    return sum(booking_mark_no_show(booking=booking) for booking in due)
