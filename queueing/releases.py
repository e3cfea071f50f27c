"""When a draw-mode office releases a day: the entry window, the committed seed, and what a
released day allows now (enter the draw, wait for it, the waitlist, or plain booking).

The window is a function of the clock (`window_of`), so a day is in its draw whether or not
a worker has opened its release row: the row (with the seed and its commitment) is made by
whoever needs it first, the periodic job or the first applicant. A row's own times rule
once it exists.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from queueing import draw
from queueing.models import WAITING, DrawEntry, EntryStatus, Office, OpeningMode, QuotaRelease, SessionSlot

# What a released day allows now.
RACE = "book"  # plain booking, first come first served
UPCOMING = "upcoming"  # the window has not opened yet
ENTRY = "draw"  # the entry window is open
DRAWING = "drawing"  # the window closed, the draw is being made
WAITLIST = "waitlist"  # drawn; freed places go to the waitlist


def window_of(office: Office, day: date) -> tuple[datetime, datetime]:
    """The entry window of `day`: from the release time on the day it enters the horizon."""
    # A day decades away (typed, not chosen) has no real window; kept near so no sum overflows.
    today = timezone.now().date()
    day = min(max(day, today - timedelta(days=3650)), today + timedelta(days=3650))
    released_on = day - timedelta(days=office.booking_horizon_days)
    opens = SessionSlot.aware(office, released_on, office.quota_release_time)
    return opens, opens + timedelta(minutes=office.entry_window_minutes)


def release_of(office: Office, day: date) -> QuotaRelease | None:
    return QuotaRelease.objects.filter(office=office, date=day).first()


def release_open(*, office: Office, day: date, opens_at: datetime | None = None, minutes: int | None = None):
    """The release of `day`, made now if it does not exist yet (two callers at once get one row).

    `opens_at`/`minutes` override the office's clock (an operator opening a day by hand)."""
    found = release_of(office, day)
    if found is not None:
        return found
    opens, closes = window_of(office, day)
    if opens_at is not None:
        opens = opens_at
        closes = opens_at + timedelta(minutes=minutes or office.entry_window_minutes)
    seed = draw.new_seed()
    try:
        with transaction.atomic():
            return QuotaRelease.objects.create(
                office=office, date=day, opens_at=opens, closes_at=closes, seed=seed, commitment=draw.commitment(seed)
            )
    except IntegrityError:
        return QuotaRelease.objects.get(office=office, date=day)


def release_now(office: Office, day: date) -> tuple[QuotaRelease | None, str]:
    """The release of `day` and what the day allows now; while its window is open by the
    clock the row is made at once, so its commitment is public before the first entry."""
    release = release_of(office, day)
    opening = day_opening(office, day, release)
    if release is None and opening == ENTRY:
        release = release_open(office=office, day=day)
    if release is not None:
        release.office = office
    return release, opening


def releases_open_due(*, now: datetime | None = None) -> int:
    """The periodic job: open the release of every draw-mode office whose window is open now,
    so its commitment is public from the first minute. Idempotent."""
    now = now or timezone.now()
    opened = 0
    for office in Office.objects.filter(is_active=True, opening_mode=OpeningMode.DRAW):
        local = now.astimezone(office.zone).date()
        for released_on in (local, local - timedelta(days=1)):
            day = released_on + timedelta(days=office.booking_horizon_days)
            opens, closes = window_of(office, day)
            if opens <= now < closes and release_of(office, day) is None:
                release_open(office=office, day=day)
                opened += 1
    return opened


def waiting_count(release: QuotaRelease, now: datetime | None = None) -> int:
    """Entries still waiting for a freed place: on the waitlist, or holding an open offer."""
    now = now or timezone.now()
    entries = DrawEntry.objects.filter(release=release)
    waiting = entries.filter(status=EntryStatus.WAITLISTED).count()
    return waiting + entries.filter(status=EntryStatus.OFFERED, offer_until__gt=now).count()


def day_opening(office: Office, day: date, release: QuotaRelease | None = None, now: datetime | None = None) -> str:
    """What `day` allows now at `office` (one of RACE, UPCOMING, ENTRY, DRAWING, WAITLIST)."""
    now = now or timezone.now()
    if release is None:
        if office.opening_mode != OpeningMode.DRAW:
            return RACE
        opens, closes = window_of(office, day)
        if now < opens:
            return UPCOMING
        # A window that passed without anyone opening its release had no entries: plain booking.
        return ENTRY if now < closes else RACE
    if now < release.opens_at:
        return UPCOMING
    if now < release.closes_at:
        return ENTRY
    if not release.is_drawn:
        return DRAWING
    if day > office.local_today() and waiting_count(release, now):
        return WAITLIST
    return RACE


def openings(office: Office, days: list[date]) -> dict[date, tuple[str, datetime | None]]:
    """`day_opening` for many days of one office, with one query for their releases, and
    when the entry window of a day in its draw closes."""
    now = timezone.now()
    found = {r.date: r for r in QuotaRelease.objects.filter(office=office, date__in=days)}
    out = {}
    for day in days:
        release = found.get(day)
        opening = day_opening(office, day, release, now)
        closes = (release.closes_at if release else window_of(office, day)[1]) if opening == ENTRY else None
        out[day] = (opening, closes)
    return out


def wanted_by_waitlist(release: QuotaRelease, slot_id: int, now: datetime | None = None) -> bool:
    """Someone waiting for a freed place ranked this session (the waitlist holds only those)."""
    now = now or timezone.now()
    waiting = DrawEntry.objects.filter(release=release).filter(
        Q(status=EntryStatus.WAITLISTED) | Q(status=EntryStatus.OFFERED, offer_until__gt=now)
    )
    return any(slot_id in choices for choices in waiting.values_list("choices", flat=True).iterator(chunk_size=2000))


UNREAD = object()  # the release of a day not read yet


def refuse_direct_booking(office: Office, day: date, slot_id: int | None = None, *, release=UNREAD) -> None:
    """Raise the refusal of taking a place of `day` directly, while its draw or waitlist rules it.

    On a drawn day with a waitlist, only the sessions someone waiting ranked are the waitlist's;
    the others are booked as on any day. `release`: the day's, when the caller has read it."""
    if release is UNREAD:
        release = release_of(office, day)
    opening = day_opening(office, day, release)
    if opening == ENTRY:
        message = _("This day is given out by a draw. Enter the draw before it closes; speed makes no difference.")
        raise DomainError("draw_open", message, status=409)
    if opening == DRAWING:
        message = _("The draw for this day is being made. Please look again shortly.")
        raise DomainError("draw_pending", message, status=409)
    if opening == WAITLIST and (slot_id is None or wanted_by_waitlist(release, slot_id)):
        message = _("Places freed on this day go to the waitlist in draw order, not to the fastest booking.")
        raise DomainError("waitlist_only", message, status=409)


def published_entries(release: QuotaRelease) -> list[draw.Entry]:
    """The entries the draw was (or will be) made over, as anyone can recompute it."""
    rows = DrawEntry.objects.filter(release=release).exclude(status=EntryStatus.VOID)
    return [draw.Entry(key=r.code, choices=tuple(str(c) for c in r.choices), priority=r.priority) for r in rows]


def waiting_entries(release: QuotaRelease):
    return DrawEntry.objects.filter(release=release, status__in=WAITING)


def release_summary(release: QuotaRelease) -> dict:
    """What anyone may know of a release: its window, the commitment, and after the draw the
    seed, the number of entries and places, and how to recompute it."""
    office = release.office
    slots = SessionSlot.objects.filter(office=office, date=release.date, is_open=True)
    return {
        "office": {"code": office.code, "name": office.name, "timezone": office.timezone},
        "date": release.date.isoformat(),
        "opening": day_opening(office, release.date, release),
        "opens_at": release.opens_at.astimezone(office.zone).isoformat(),
        "closes_at": release.closes_at.astimezone(office.zone).isoformat(),
        "commitment": release.commitment,
        "seed": release.published_seed or None,
        "drawn_at": release.drawn_at.astimezone(office.zone).isoformat() if release.drawn_at else None,
        "entries": release.entries_drawn if release.is_drawn else DrawEntry.objects.filter(release=release).count(),
        "places": release.places_drawn or {str(s.pk): [s.capacity, s.priority_capacity] for s in slots},
        "algorithm": "ticket = HMAC-SHA256(seed, entry code); entries served in ticket order, priority places first "
        "(queueing/draw.py)",
    }


def entry_result(release: QuotaRelease, code: str) -> dict | None:
    """One entry's result by its code, for the public check (no name, no NIK)."""
    entry = DrawEntry.objects.filter(release=release, code=code.strip().upper()[:8]).select_related("won_slot").first()
    if entry is None:
        return None
    won = entry.won_slot
    zone = release.office.zone
    return {
        "code": entry.code,
        "status": entry.effective_status,
        "status_label": EntryStatus(entry.effective_status).label,
        "sessions": entry.choices,
        "ticket": draw.ticket(release.seed, entry.code) if release.is_drawn else None,
        "won_session": {"id": won.pk, "start": won.starts_at.astimezone(zone).isoformat()} if won else None,
    }
