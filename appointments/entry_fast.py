"""The opening minute's cheap entry: two statements and a commit for the common case.

When a day's draw opens, thousands enter in its first minutes, and nearly every entry is
the plain case: the owner of a submitted application with a confirmed address and no
booking ranks sessions of that day, without the priority lane. `draw_enter_fast` writes
that entry (or the change of the same entry) with one upsert that checks every rule about
the person in the database, with its audit row, under the draw's shared lock.

Whatever it cannot decide, it leaves: it returns None and the request takes the full path
(`draws.draw_enter`), which answers with the exact reason or writes the same rows. The
rules about the day (the office, its window, closures, the release) are the same for
everyone and are read once per process for a few seconds (`day_terms`); the office,
the release's window and the sessions are checked again in the statement. When the draw books a
winner, every rule of booking is checked once more (`services.book_place`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from applicants.models import ApplicationStatus as S
from applicants.models import DocumentStatus
from appointments.draws import DRAW_LOCK
from core.memo import TimedMemo
from core.prepared import Prepared
from queueing import releases
from queueing.models import ACTIVE, EntryStatus, Office, new_booking_code
from queueing.selectors import bookable_window, closures

DAY_TERMS_SECONDS = 5  # how long a process trusts what it read about a day's draw


@dataclass(frozen=True)
class DayTerms:
    """What a released day's draw offers everyone: read once, shared by every entry."""

    release_id: int
    office: Office
    commitment: str
    passport_types: tuple[str, ...]
    same_day: bool


@dataclass(frozen=True)
class FastEntry:
    code: str
    created: bool
    closes_at: datetime
    terms: DayTerms


_days = TimedMemo(DAY_TERMS_SECONDS, maxsize=256)


def forget_days() -> None:
    _days.clear()


def day_terms(office_code: str, day: date) -> DayTerms | None:
    """The day's draw if it takes entries now, by the same rules as the full path; None otherwise."""
    return _days.get((office_code, day), lambda: _read_day(office_code, day))


def _read_day(office_code: str, day: date) -> DayTerms | None:
    office = Office.objects.filter(code=office_code, is_active=True).first()
    if office is None:
        return None
    first, last = bookable_window(office)
    if not first <= day <= last or closures(office, day, day):
        return None
    release, opening = releases.release_now(office, day)
    if release is None or opening != releases.ENTRY:
        return None
    types = tuple(t for t in ("ordinary", "electronic") if office.serves(t))
    return DayTerms(
        release_id=release.pk,
        office=office,
        commitment=release.commitment,
        passport_types=types,
        same_day=office.offers_same_day,
    )


# Every rule about the person is a condition of the one upsert; a row comes back only when
# all hold. An entry of the same application for this release is changed; any other
# conflict (another account with this NIK, another office's draw that day) writes nothing.
UPSERT = """
WITH rel AS (
    SELECT r.id, r.closes_at FROM queueing_quotarelease r JOIN queueing_office o ON o.id = r.office_id
    WHERE r.id = %(release)s AND r.drawn_at IS NULL AND r.opens_at <= %(now)s AND %(now)s < r.closes_at
      AND o.is_active
), person AS (
    SELECT a.id, a.nik FROM applicants_application a JOIN applicants_user u ON u.id = a.owner_id
    WHERE a.id = %(application)s AND u.id = %(user)s AND u.is_active AND NOT u.is_staff
      AND upper(md5(u.password)) = %(password_digest)s
      AND a.status = ANY(%(statuses)s)
      AND (u.email_verified_at IS NOT NULL OR NOT %(verified_required)s)
      AND a.passport_type = ANY(%(passport_types)s) AND (a.service <> 'same_day' OR %(same_day)s)
      AND NOT EXISTS (
          SELECT 1 FROM applicants_document d WHERE d.application_id = a.id AND d.status = %(rejected)s)
      AND NOT EXISTS (SELECT 1 FROM queueing_booking b WHERE b.nik = a.nik AND b.status = ANY(%(active)s))
      AND NOT EXISTS (
          SELECT 1 FROM queueing_drawentry e
          WHERE e.application_id = a.id AND e.status = %(entered)s AND e.release_id <> %(release)s)
), sessions AS (
    SELECT count(*) AS n FROM queueing_sessionslot s
    WHERE s.id = ANY(%(sessions)s) AND s.office_id = %(office)s AND s.date = %(day)s AND s.is_open
), entry AS (
    INSERT INTO queueing_drawentry
        (release_id, application_id, nik, date, code, choices, priority, status, ticket, created_at, updated_at)
    SELECT rel.id, person.id, person.nik, %(day)s, %(code)s, %(choices)s::jsonb, false, %(entered)s, '',
           %(now)s, %(now)s
    FROM rel, person, sessions WHERE sessions.n = %(count)s
    ON CONFLICT (nik, date) DO UPDATE SET choices = EXCLUDED.choices, priority = false, updated_at = %(now)s
    WHERE queueing_drawentry.application_id = EXCLUDED.application_id
      AND queueing_drawentry.release_id = EXCLUDED.release_id AND queueing_drawentry.status = %(entered)s
    RETURNING code, (xmax = 0) AS created
), audit AS (
    INSERT INTO core_auditentry (application_id, actor_id, action, from_status, to_status, reason, data, public,
                                 created_at)
    SELECT %(application)s, %(user)s, CASE WHEN entry.created THEN 'draw_entered' ELSE 'draw_changed' END,
           '', '', '', jsonb_build_object('entry', entry.code) || %(data)s::jsonb, true, %(now)s
    FROM entry
)
SELECT entry.code, entry.created, rel.closes_at FROM entry, rel
"""


UPSERT_PREPARED = Prepared("mpaspor_draw_entry", UPSERT)
# The shared lock, then the upsert, in one query: PostgreSQL runs the statements of one query
# as one transaction (one round trip, the lock held to its commit), and the upsert's snapshot
# is taken after the lock is granted, so it sees a draw that was made while it waited.
LOCKED = "SELECT pg_advisory_xact_lock_shared(%(lock)s, %(release)s); "


def draw_enter_fast(
    *, user_id, password_digest: str, application_id: str, office_code: str, day: date, session_ids: list[int]
) -> FastEntry | None:
    """Enter (or change the entry of) the plain case in one upsert; None: take the full path."""
    if connection.vendor != "postgresql":
        return None
    terms = day_terms(office_code, day)
    if terms is None:
        return None
    choices = list(session_ids)
    params = {
        "release": terms.release_id,
        "office": terms.office.pk,
        "application": application_id,
        "user": user_id,
        "password_digest": password_digest,
        "statuses": [S.SUBMITTED.value, S.EXPIRED.value],
        "verified_required": bool(settings.REQUIRE_VERIFIED_EMAIL),
        "passport_types": list(terms.passport_types),
        "same_day": terms.same_day,
        "rejected": DocumentStatus.REJECTED.value,
        "active": [status.value for status in ACTIVE],
        "entered": EntryStatus.ENTERED.value,
        "sessions": choices,
        "count": len(choices),
        "day": day,
        "code": new_booking_code(),
        "choices": json.dumps(choices),
        "data": json.dumps({"office": office_code, "date": day.isoformat(), "sessions": choices}),
        "lock": DRAW_LOCK,
        "now": timezone.now(),
    }
    try:
        with connection.cursor() as cursor:
            if connection.in_atomic_block:  # inside a caller's transaction: a savepoint keeps it usable
                with transaction.atomic():
                    cursor.execute(LOCKED + UPSERT_PREPARED.statement(cursor), params)
                    row = cursor.fetchone()
            else:
                cursor.execute(LOCKED + UPSERT_PREPARED.statement(cursor), params)
                row = cursor.fetchone()
    except DatabaseError:
        return None  # a clash of entry codes, a bad id, a lock timeout: the full path decides
    if row is None:
        return None
    return FastEntry(code=row[0], created=row[1], closes_at=row[2], terms=terms)
