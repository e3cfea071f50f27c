"""An appointment is a place in a session and the fee that holds it: the use cases that join
the two. Booking takes a place and issues its bill; cancelling, expiring and withdrawing
give the place back and close the bill; renewing issues a new bill for the same place.

Each is one durable transaction (`core.locks.use_case`), taking its locks in the one order:
the application, the account (only to count its unpaid holds), its bills, its bookings, the session.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import rules, workflow
from applicants.models import Application
from applicants.models import ApplicationStatus as S
from billing import services as billing
from billing.models import Bill, BillStatus
from core import locks
from core.audit import log_action
from core.errors import DomainError
from queueing import services as places
from queueing.models import ACTIVE, Booking, Lane, QuotaRelease, SessionSlot
from queueing.models import BookingStatus as B
from queueing.selectors import alternatives_for


def _nik_taken_error() -> DomainError:
    message = _("This NIK already has an active booking. One person can hold one booking at a time.")
    return DomainError("nik_already_booked", message, status=409)


def booking_create(*, application: Application, slot: SessionSlot, actor, priority: bool = False) -> Booking:
    """Book a session for a submitted application and issue its bill, or refuse cleanly.

    A full session is refused before any lock (`places.place_refuse_if_full`). A person
    whose NIK still has an unpaid hold past its deadline (not swept yet), or, once in
    10^14, a billing code drawn twice, meets a unique index: that is tidied and tried once more.
    """
    lanes = [Lane.PRIORITY, Lane.REGULAR] if priority else [Lane.REGULAR]
    places.place_refuse_if_full(slot, lanes)
    for attempt in (1, 2):
        try:
            return _book(application=application, slot=slot, actor=actor, priority=priority)
        except IntegrityError:
            if attempt == 2:
                raise _nik_taken_error() from None
            for stale in Booking.objects.filter(nik=application.nik, status=B.HELD, hold_until__lte=timezone.now()):
                booking_expire(booking=stale)
    raise AssertionError("unreachable")


@locks.use_case
def _book(*, application: Application, slot: SessionSlot, actor, priority: bool) -> Booking:
    return book_place(application=application, slot=slot, actor=actor, priority=priority)


def book_place(
    *, application: Application, slot: SessionSlot, actor, priority: bool, through_draw: bool = False
) -> Booking:
    """Inside a use case: everything that does not depend on the places left comes first
    (checks, bill, status, audit); the session is locked only to count, at the end.

    `through_draw`: the draw or a waitlist offer gives this place (`appointments.draws`):
    the day's draw rules do not refuse it and it is no hold the account took itself."""
    # The account is locked with the application (one statement): its unpaid holds are counted below.
    application = locks.lock(Application.objects.select_related("owner"), application.pk, also=("owner",))
    if application.status == S.BOOKED:
        # A hold that lapsed is expired whether or not the sweeper has been by: tidy it now.
        for lapsed in application.bookings.filter(status=B.HELD, hold_until__lte=timezone.now()):
            _expire(lapsed)
        application.refresh_from_db()
    paid_bill = application.bills.filter(status=BillStatus.PAID).first() if application.status == S.PAID else None
    rebooking = paid_bill is not None and not application.bookings.filter(status__in=ACTIVE).exists()
    if rebooking:
        # Paid, but the place was lost (a payment notice that came after the sweeper).
        if not workflow.may(workflow.MOVES["book"], application, actor):
            raise DomainError("permission_denied", _("You may not do this."), status=403)
    else:
        workflow.check("book", application, actor)
        if not through_draw:
            _check_unpaid_holds(application.owner_id)
    check_ready_to_book(application)
    lanes = places.booking_lanes(application, priority)
    places.slot_check_bookable(slot, application, through_draw=through_draw)
    bill = paid_bill or billing.bill_issue(application=application)

    def record(booking: Booking) -> None:
        if rebooking:
            log_action(application, actor, "book", data=places.describe(booking))
        else:
            workflow.transition(application, "book", actor, data=places.describe(booking))

    # With one lane the place cannot change lanes under the lock, so the status move and its
    # audit row are written before the session is locked: the rush queues on one count and the commit.
    single = len(lanes) == 1
    early = record if single else None
    booking = places.place_hold(
        application=application, slot=slot, bill=bill, lanes=lanes, paid=rebooking, before_lock=early
    )
    if not single:
        record(booking)
    return booking


def _check_unpaid_holds(owner_id: int) -> None:
    """A calo's account may not sit on places: a few unpaid holds at once, a few a day. The
    caller has locked the account, so two bookings made at once cannot both slip under the cap."""
    now = timezone.now()
    counts = Booking.objects.filter(application__owner_id=owner_id).aggregate(
        held=Count("pk", filter=Q(status=B.HELD, hold_until__gt=now)),
        today=Count("pk", filter=Q(created_at__gte=now - timedelta(days=1), bill__isnull=False)),
    )
    check_hold_counts(held=counts["held"], today=counts["today"])


def check_hold_counts(*, held: int, today: int) -> None:
    """`_check_unpaid_holds` on counts the caller has read: unpaid holds still running, and the
    account's bookings with a bill made in the last 24 hours."""
    at_once, per_day = settings.MAX_UNPAID_HOLDS_PER_ACCOUNT, settings.MAX_HOLDS_PER_ACCOUNT_PER_DAY
    if held >= at_once:
        message = _(
            "This account already holds %(count)s unpaid places. Pay or cancel one of them before booking another."
        ) % {"count": at_once}
        raise DomainError("too_many_unpaid_holds", message, status=409)
    if today >= per_day:
        message = _(
            "This account has booked %(count)s places in the last 24 hours. Please pay for one, or try again tomorrow."
        ) % {"count": per_day}
        raise DomainError("too_many_holds_today", message, status=429, retry_after=3600)


def check_ready_to_book(application: Application, *, documents: dict[str, str] | None = None) -> None:
    """`documents`: kind -> status of the application's documents, when the caller has read them."""
    if settings.REQUIRE_VERIFIED_EMAIL and not application.owner.email_verified:
        raise DomainError("email_not_verified", _("Please confirm your email address before booking."), status=403)
    if documents is None:
        documents = dict(application.documents.values_list("kind", "status"))
    problems = rules.submission_problems(rules.values_of(application), documents)
    if problems:
        message = _("The application is not complete; please fix it before booking.")
        raise DomainError("application_incomplete", message, fields=problems)


@locks.use_case
def booking_cancel(*, booking: Booking, actor, reason: str = "") -> Booking:
    """Give the place back at once. A paid booking is rescheduled, not cancelled, by its owner."""
    application = locks.lock(Application.objects, booking.application_id)
    if booking.bill_id:
        locks.lock(Bill.objects, booking.bill_id)
    booking = locks.lock(Booking.objects.select_related("slot__office", "bill"), booking.pk)
    if booking.status not in (B.HELD, B.CONFIRMED, B.EXPIRED):
        raise DomainError("booking_not_active", _("This booking is no longer active."), status=409)
    if booking.status == B.CONFIRMED:
        message = _("The fee for this booking is paid; choose another session instead of cancelling.")
        raise DomainError("booking_paid", message, status=409)
    workflow.check("cancel_booking", application, actor)
    _release(booking, actor, reason)
    workflow.transition(application, "cancel_booking", actor, reason=reason, data=places.describe(booking))
    return booking


def _release(booking: Booking, actor=None, reason: str = "") -> None:
    if booking.bill_id:
        billing.bill_close(bill=booking.bill, how="cancel")  # a paid bill stays paid
    places.booking_release(booking=booking, actor=actor, reason=reason)
    _offer_freed_place(booking)


def _offer_freed_place(booking: Booking) -> None:
    """A place of a drawn day went free: its waitlist is offered it after commit, not the fastest."""
    from appointments.draws import offer_soon  # the draw builds on these use cases

    slot = booking.slot
    release = QuotaRelease.objects.filter(office_id=slot.office_id, date=slot.date, drawn_at__isnull=False).first()
    if release is not None:
        transaction.on_commit(lambda: offer_soon(release.pk))


@locks.use_case
def booking_expire(*, booking: Booking) -> bool:
    """Expire an unpaid hold whose deadline passed. Safe to call twice, late or concurrently."""
    locks.lock(Application.objects, booking.application_id)
    return _expire(booking)


def _expire(booking: Booking) -> bool:
    if booking.bill_id:
        locks.lock(Bill.objects, booking.bill_id)
    if not places.booking_lapse(booking=booking):
        return False
    booking.refresh_from_db()
    if booking.bill_id:
        billing.bill_close(bill=booking.bill, how="expire")
    _offer_freed_place(booking)
    application = Application.objects.get(pk=booking.application_id)
    if workflow.MACHINE.can(application, "expire"):
        workflow.transition(application, "expire", None, data=places.describe(booking))
    return True


def bookings_expire_due(*, limit: int = 1000) -> int:
    """The sweeper: tidy holds already expired by the clock. Correctness never waits for it."""
    due = Booking.objects.filter(status=B.HELD, hold_until__lte=timezone.now()).order_by("hold_until")[:limit]
    return sum(booking_expire(booking=booking) for booking in due)


@locks.use_case
def booking_renew(*, application: Application, actor) -> Booking:
    """A fresh billing code for an expired, unpaid bill, without re-entering anything.

    The same session is booked again if it still has room; otherwise the refusal lists the
    nearest free sessions.
    """
    application = locks.lock(Application.objects, application.pk)
    current = application.bookings.select_related("slot__office", "bill").order_by("-created_at", "-pk").first()
    if current is not None and current.status == B.HELD and current.is_expired:
        _expire(current)
        application.refresh_from_db()
    if application.status != S.EXPIRED or current is None:
        raise DomainError("not_renewable", _("Only an expired, unpaid bill can be renewed."), status=409)
    try:
        booking = book_place(
            application=application, slot=current.slot, actor=actor, priority=current.lane == Lane.PRIORITY
        )
    except DomainError as exc:
        if exc.code not in ("slot_full", "slot_not_bookable"):
            raise
        message = _("Your session is no longer available. Please choose one of the free sessions.")
        extra = {"alternatives": alternatives_for(application, current.slot)}
        raise DomainError(exc.code, message, status=409, extra=extra) from None
    except IntegrityError:
        raise _nik_taken_error() from None
    booking.bill.renewed_from = current.bill
    booking.bill.save(update_fields=["renewed_from"])
    data = {"old": current.bill.code if current.bill else None, "new": booking.bill.code}
    log_action(application, actor, "bill_renewed", data=data)
    return booking


@locks.use_case
def application_cancel(*, application: Application, actor, reason: str = "") -> Application:
    """Withdraw (the applicant, before paying) or cancel (a supervisor, with a reason).
    Its bookings go with it, and their places return to the quota at once."""
    application = locks.lock(Application.objects, application.pk)
    withdrawing = workflow.MACHINE.can(application, "withdraw") and actor.pk == application.owner_id
    move = "withdraw" if withdrawing else "cancel"
    workflow.check(move, application, actor)
    locks.lock_all(Bill.objects.filter(application=application))
    for booking in places.bookings_active(application):
        _release(booking, actor, reason)
    return workflow.transition(application, move, actor, reason=reason)
