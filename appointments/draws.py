"""The quota draw's use cases: entering, the allocation at close, and the waitlist of freed places.

Entering, changing and withdrawing write one entry row (and its quiet audit row); nothing
waits on a lock, so the opening minute is as cheap as a read. At close one batch
(`release_allocate`) draws over every eligible entry with the committed seed, books the
winners (their bill, and so their payment clock, starts now) and tells everyone. A place
freed later goes to the waitlist in the same draw order (`waitlist_offer_due`): an offer
with a short window, then the next.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from applicants import workflow
from applicants.models import Application
from applicants.models import ApplicationStatus as S
from appointments import services
from core import locks
from core.audit import log_action
from core.errors import DomainError
from core.models import AuditEntry
from queueing import draw, releases
from queueing import services as places
from queueing.models import (
    ACTIVE,
    Booking,
    DrawEntry,
    EntryStatus,
    Lane,
    Office,
    QuotaRelease,
    SessionSlot,
    holds_place_q,
)
from queueing.selectors import taken_places

E = EntryStatus
DRAW_LOCK = 1313  # the advisory-lock namespace of the draws: (DRAW_LOCK, release id)
logger = logging.getLogger(__name__)


def _refuse(code: str, message: str, status: int = 409, **fields) -> DomainError:
    return DomainError(code, message, status=status, fields={k: [v] for k, v in fields.items()} or None)


def current_entry(application: Application) -> DrawEntry | None:
    """The application's newest entry (with its release), whatever its status."""
    return (
        DrawEntry.objects.select_related("release__office", "won_slot", "offered_slot", "booking")
        .filter(application=application)
        .order_by("-created_at", "-pk")
        .first()
    )


def _sessions_of(office: Office, day: date, session_ids) -> list[SessionSlot]:
    ids = []
    for raw in session_ids or []:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = 0
        if not 0 < value < 2**63:  # beyond a database id is no session either
            raise _refuse("invalid", _("Choose sessions from the list."), 400, sessions=_("Not a session."))
        if value not in ids:
            ids.append(value)
    if not 1 <= len(ids) <= draw.MAX_CHOICES:
        message = _("Choose one to three sessions, most wanted first.")
        raise _refuse("invalid", message, 400, sessions=message)
    found = {s.pk: s for s in SessionSlot.objects.select_related("office").filter(pk__in=ids, office=office, date=day)}
    if len(found) != len(ids):
        message = _("Choose sessions of this office on this day.")
        raise _refuse("invalid", message, 400, sessions=message)
    return [found[i] for i in ids]


def draw_enter(
    *, application: Application, actor, office: Office, day: date, session_ids, priority: bool = False
) -> tuple[DrawEntry, bool]:
    """Enter the draw for `day` at `office` (or change the entry). Returns (entry, created).

    The same rules as booking decide who may enter: a submitted, complete application, a
    confirmed e-mail address, no active booking for the NIK; entering changes nothing else."""
    workflow.check("book", application, actor)
    services.check_ready_to_book(application)
    if Booking.objects.filter(nik=application.nik, status__in=ACTIVE).exists():
        raise services._nik_taken_error()
    release, opening = releases.release_now(office, day)
    if opening != releases.ENTRY:
        raise _refuse("draw_closed", _("The draw for this day is not open for entries."))
    slots = _sessions_of(office, day, session_ids)
    # One office, one day: the window, closures and products are the same for every session.
    places.slot_check_bookable(slots[0], application, through_draw=True)
    if not all(slot.is_open for slot in slots):
        raise places.slot_not_bookable_error()
    lanes = places.booking_lanes(application, priority)
    choices = [slot.pk for slot in slots]
    wants_priority = lanes[0] == Lane.PRIORITY
    entry = DrawEntry.objects.filter(application=application, status=E.ENTERED).select_related("release").first()
    if entry is not None and entry.release_id != release.pk and timezone.now() >= entry.release.closes_at:
        message = _("Your entry in another draw is being drawn. Wait for its result before entering again.")
        raise _refuse("draw_pending", message)
    data = {"office": office.code, "date": day.isoformat(), "sessions": choices}
    with transaction.atomic():
        _hold_window_open(release)
        if entry is not None and entry.release_id == release.pk:
            DrawEntry.objects.filter(pk=entry.pk).update(choices=choices, priority=wants_priority)
            entry.choices, entry.priority, entry.release = choices, wants_priority, release
            log_action(application, actor, "draw_changed", data={"entry": entry.code, **data})
            return entry, False
        if entry is not None:  # entering another day's draw replaces the waiting entry
            entry.delete()
        try:
            with transaction.atomic():
                entry = DrawEntry.objects.create(
                    release=release,
                    application=application,
                    nik=application.nik,
                    date=day,
                    choices=choices,
                    priority=wants_priority,
                )
        except IntegrityError:
            mine = DrawEntry.objects.filter(application=application, release=release, status=E.ENTERED).first()
            if mine is None:
                message = _("This NIK has already entered a draw for this day. One entry per person per day.")
                raise _refuse("draw_entry_exists", message) from None
            # The same entry sent twice at once (a double tap, a retry): the second is a change.
            DrawEntry.objects.filter(pk=mine.pk).update(choices=choices, priority=wants_priority)
            mine.choices, mine.priority, mine.release = choices, wants_priority, release
            return mine, False
        log_action(application, actor, "draw_entered", data={"entry": entry.code, **data})
    return entry, True


def _hold_window_open(release: QuotaRelease) -> None:
    """Inside the entry's transaction: share-lock the release and see it still open.

    Entries share the lock with each other (no queue at the opening); the draw's exclusive
    lock waits for entries in flight and they wait for it, so no entry is written or removed
    after the draw read the list."""

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # An advisory lock, not FOR SHARE on the row: thousands of share-lockers of one row
            # rewrite its header and queue on it; the lock manager's shared locks cost nothing.
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [DRAW_LOCK, release.pk])
            cursor.execute("SELECT closes_at, drawn_at FROM queueing_quotarelease WHERE id = %s", [release.pk])
            closes_at, drawn_at = cursor.fetchone()
    else:
        closes_at, drawn_at = release.closes_at, release.drawn_at
    if drawn_at is not None or timezone.now() >= closes_at:
        raise _refuse("draw_closed", _("The draw for this day is not open for entries."))


def draw_withdraw(*, application: Application, actor) -> None:
    """Leave the draw before it is made: the entry row goes."""
    workflow.check("book", application, actor)
    entry = DrawEntry.objects.filter(application=application, status=E.ENTERED).select_related("release").first()
    if entry is None:
        raise _refuse("no_draw_entry", _("There is no entry waiting for a draw."), 404)
    with transaction.atomic():
        _hold_window_open(entry.release)
        DrawEntry.objects.filter(pk=entry.pk, status=E.ENTERED).delete()
        log_action(application, actor, "draw_withdrawn", data={"entry": entry.code})


# --- The draw at close -----------------------------------------------------------------------------


def _void_ineligible(release: QuotaRelease) -> list[DrawEntry]:
    """Entries whose application can no longer be booked leave the draw before it is made
    (the release is locked: no entry changes meanwhile). Returns them, to be told why."""
    entered = DrawEntry.objects.filter(release=release, status=E.ENTERED)
    booked = Booking.objects.filter(nik=OuterRef("nik"), status__in=ACTIVE)
    void = entered.filter(Exists(booked)) | entered.exclude(application__status__in=(S.SUBMITTED, S.EXPIRED))
    rows = list(DrawEntry.objects.filter(pk__in=void.values("pk")).only("pk", "application_id", "code"))
    DrawEntry.objects.filter(pk__in=[row.pk for row in rows]).update(status=E.VOID)
    return rows


def _places(release: QuotaRelease) -> tuple[list[SessionSlot], dict[str, draw.Places]]:
    slots = list(SessionSlot.objects.filter(office=release.office, date=release.date, is_open=True).order_by("pk"))
    taken = taken_places([s.pk for s in slots])
    return slots, {
        str(s.pk): draw.Places(
            regular=max(s.capacity - taken.get((s.pk, Lane.REGULAR), 0), 0),
            priority=max(s.priority_capacity - taken.get((s.pk, Lane.PRIORITY), 0), 0),
        )
        for s in slots
    }


def _tell(entries, action: str) -> None:
    """One public audit row per entry: the timeline and the outbox's e-mail."""
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(application_id=e.application_id, action=action, data={"entry": e.code}, public=True)
            for e in entries
        ],
        batch_size=2000,
    )


def release_allocate(*, release: QuotaRelease, close_now: bool = False, actor=None) -> dict:
    """Make the draw of a closed release: safe to run twice (the second run returns the record).

    `close_now`: an operator ends the window early (the bench, a day released by hand)."""
    started = time.monotonic()
    with transaction.atomic(durable=True):
        if connection.vendor == "postgresql":
            # Wait for the entries in flight; later ones wait for us. Before the row lock: an
            # entry checks its reference to this row at commit (FOR KEY SHARE), which waits for
            # a row lock, so taking the row first would deadlock with every entry in flight.
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [DRAW_LOCK, release.pk])
        release = locks.lock(QuotaRelease.objects.select_related("office"), release.pk)
        if release.is_drawn:
            return _summary(release, time.monotonic() - started)
        now = timezone.now()
        if now < release.closes_at:
            if not close_now:
                raise _refuse("draw_not_closed", _("The entry window is still open."))
            release.closes_at = now
            log_action(None, actor, "draw_closed_early", public=False, data={"release": str(release)})
        voided = _void_ineligible(release)
        entries = list(DrawEntry.objects.filter(release=release, status=E.ENTERED).order_by("pk"))
        slots, free = _places(release)
        by_slot = {str(s.pk): s for s in slots}
        keyed = [draw.Entry(key=e.code, choices=tuple(str(c) for c in e.choices), priority=e.priority) for e in entries]
        won = draw.allocate(release.seed, keyed, free)
        winners, failed = [], []
        for entry in entries:
            slot_id = won.get(entry.code)
            if slot_id is None:
                continue
            entry.ticket = draw.ticket(release.seed, entry.code)
            booking = _book_for(entry, by_slot[slot_id])
            if booking is None:
                failed.append(entry)
                DrawEntry.objects.filter(pk=entry.pk).update(status=E.VOID, ticket=entry.ticket)
                continue
            entry.status, entry.won_slot_id, entry.booking = E.WON, booking.slot_id, booking
            entry.save(update_fields=["status", "won_slot", "booking", "ticket", "updated_at"])
            winners.append(entry)
        DrawEntry.objects.filter(release=release, status=E.ENTERED).update(status=E.NOT_DRAWN)
        release.drawn_at = now
        release.entries_drawn = len(entries)
        release.places_drawn = {key: [p.regular, p.priority] for key, p in free.items()}
        release.save(update_fields=["closes_at", "drawn_at", "entries_drawn", "places_drawn"])
        winner_ids = {e.pk for e in winners} | {e.pk for e in failed}
        _tell([e for e in entries if e.pk not in winner_ids], "draw_not_drawn")
        _tell(winners, "draw_won")
        _tell(voided + failed, "draw_void")
        log_action(None, actor, "draw_made", public=False, data={"release": str(release), "won": len(winners)})
    for slot in slots:  # committed: the day's cached availability and "full" hints are stale now
        places.hints.clear_full(slot.pk)
    places.hints.forget_availability(release.office.code)
    return _summary(release, time.monotonic() - started)


def _book_for(entry: DrawEntry, slot: SessionSlot) -> Booking | None:
    """The winner's place and bill, or None when the application can no longer be booked."""
    try:
        with transaction.atomic():
            application = Application.objects.get(pk=entry.application_id)
            return services.book_place(
                application=application, slot=slot, actor=None, priority=entry.priority, through_draw=True
            )
    except (DomainError, IntegrityError):
        return None


def _summary(release: QuotaRelease, seconds: float) -> dict:
    won = DrawEntry.objects.filter(release=release, won_slot__isnull=False).count()
    places_total = sum(sum(p) for p in release.places_drawn.values())
    return {
        "release": str(release),
        "entries": release.entries_drawn,
        "places": places_total,
        "won": won,
        "seconds": round(seconds, 3),
    }


def releases_allocate_due(*, now=None) -> int:
    """The periodic job: draw every release whose window has closed. Idempotent."""
    due = QuotaRelease.objects.filter(drawn_at__isnull=True, closes_at__lte=now or timezone.now())
    return sum(1 for release in due if release_allocate(release=release))


# --- The waitlist ------------------------------------------------------------------------------------


def waitlist_join(*, application: Application, actor) -> DrawEntry:
    """Someone not drawn waits for a freed place, in the draw's order."""
    workflow.check("book", application, actor)
    entry = current_entry(application)
    if entry is None or entry.status not in (E.NOT_DRAWN, E.LEFT):
        raise _refuse("not_waitlistable", _("Only an entry that was not drawn can join the waitlist."))
    if entry.release.date <= entry.release.office.local_today():
        raise _refuse("waitlist_closed", _("The day has come; the waitlist is closed."))
    with transaction.atomic():
        DrawEntry.objects.filter(pk=entry.pk).update(
            status=E.WAITLISTED, ticket=draw.ticket(entry.release.seed, entry.code)
        )
        log_action(application, actor, "waitlist_joined", data={"entry": entry.code})
    transaction.on_commit(lambda: offer_soon(entry.release_id))
    entry.refresh_from_db()
    return entry


def waitlist_leave(*, application: Application, actor) -> DrawEntry:
    """Leave the waitlist, or decline an offer: the place goes to the next in line."""
    workflow.check("book", application, actor)
    entry = current_entry(application)
    if entry is None or entry.status not in (E.WAITLISTED, E.OFFERED):
        raise _refuse("not_waitlisted", _("This application is not on a waitlist."), 404)
    with transaction.atomic():
        DrawEntry.objects.filter(pk=entry.pk).update(status=E.LEFT, offered_slot=None, offer_until=None)
        log_action(application, actor, "waitlist_left", data={"entry": entry.code})
    transaction.on_commit(lambda: offer_soon(entry.release_id))
    entry.refresh_from_db()
    return entry


def offer_soon(release_id: int) -> None:
    """Ask the worker to offer freed places now; the periodic job does it anyway."""
    from appointments.tasks import offer_waitlist_places

    try:
        offer_waitlist_places.delay(release_id)
    except Exception:  # noqa: BLE001 - the broker down: the periodic job offers the place a little later
        logger.warning("could not ask for waitlist offers of release %s now", release_id, exc_info=True)


def waitlist_offer(*, release: QuotaRelease) -> int:
    """Offer every place free now (not held, not offered) to the next waitlisted entries.

    The release row is locked, so two offer runs never offer one place twice; an offer
    lapses by the clock, and its place is offered again by the next run."""
    with transaction.atomic():
        release = locks.lock(QuotaRelease.objects.select_related("office"), release.pk)
        now = timezone.now()
        lapsed = DrawEntry.objects.filter(release=release, status=E.OFFERED, offer_until__lte=now)
        lapsed_rows = list(lapsed)
        lapsed.update(status=E.LAPSED)
        _tell(lapsed_rows, "waitlist_offer_lapsed")
        if not release.is_drawn or release.date <= release.office.local_today():
            return 0
        # Someone booked elsewhere meanwhile no longer waits here.
        booked = Booking.objects.filter(nik=OuterRef("nik"), status__in=ACTIVE)
        DrawEntry.objects.filter(release=release, status=E.WAITLISTED).filter(Exists(booked)).update(status=E.LEFT)
        slots = list(SessionSlot.objects.filter(office=release.office, date=release.date, is_open=True).order_by("pk"))
        free = {}
        for slot in slots:
            held = Booking.objects.filter(slot=slot, lane=Lane.REGULAR).filter(holds_place_q(now)).count()
            offered = DrawEntry.objects.filter(release=release, status=E.OFFERED, offered_slot=slot).count()
            free[slot] = slot.capacity - held - offered
        queue = list(DrawEntry.objects.filter(release=release, status=E.WAITLISTED).order_by("ticket", "code"))
        until = now + timedelta(minutes=settings.WAITLIST_OFFER_MINUTES)
        made = []
        by_id = {slot.pk: slot for slot in slots}
        for entry in queue:  # in draw order, each their best-ranked session with a place free
            ranked = [by_id[c] for c in entry.choices[: draw.MAX_CHOICES] if c in by_id]
            slot = next((s for s in ranked if free[s] > 0), None)
            if slot is None:
                continue
            free[slot] -= 1
            entry.status, entry.offered_slot, entry.offer_until = E.OFFERED, slot, until
            entry.save(update_fields=["status", "offered_slot", "offer_until", "updated_at"])
            made.append(entry)
        _tell(made, "waitlist_offered")
    if made or lapsed_rows:
        places.hints.forget_availability(release.office.code)
    return len(made)


def waitlist_offer_due() -> int:
    """The periodic job: offers for every drawn release with people waiting and a day still ahead."""
    waiting = DrawEntry.objects.filter(status__in=(E.WAITLISTED, E.OFFERED)).values("release_id").distinct()
    return sum(waitlist_offer(release=r) for r in QuotaRelease.objects.filter(pk__in=waiting, drawn_at__isnull=False))


@locks.use_case
def waitlist_accept(*, application: Application, actor) -> Booking:
    """Take the offered place: the bill is issued now, as for a booking."""
    entry = current_entry(application)
    if entry is None or entry.status not in (E.OFFERED, E.LAPSED):
        raise _refuse("no_offer", _("There is no place offered to this application."), 404)
    entry = locks.lock(DrawEntry.objects.select_related("offered_slot__office", "release"), entry.pk)
    if not entry.offer_is_open:
        raise _refuse("offer_lapsed", _("The offer has lapsed; the place went to the next person waiting."), 410)
    workflow.check("book", application, actor)
    booking = services.book_place(
        application=application, slot=entry.offered_slot, actor=actor, priority=False, through_draw=True
    )
    entry.status, entry.booking = E.ACCEPTED, booking
    entry.save(update_fields=["status", "booking", "updated_at"])
    return booking
