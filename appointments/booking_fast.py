"""The rush's cheap booking: the plain case of `services.booking_create` in five round trips.

When a day's quota is released to the fastest (an office in `race` mode, or a day without
a draw), the 120 places go in seconds and every successful booking costs the whole server
its CPU while the crowd waits. Nearly every one is the plain case: the owner of a submitted
application books a regular place with the app. `booking_create_fast` makes that booking
with the same rules as the full path, mostly by calling the same functions, but reads what
they need in one statement and writes in one:

    BEGIN
    the application and its account, locked (the lock timeout in front)  (as `services.book_place`)
    in one statement: the documents, the day's release and closure, lapsed bills, the office
      still open, the account's unpaid holds (`services.check_hold_counts`), the fees in
      force (`fees.price_of_application`), the places held without a lock
      (as `places.place_refuse_if_counted_full`)
    the session locked, then bill + booking + status + audit row written only if the places
      held, counted after the lock, leave room (`places.lane_fits`)
    COMMIT

Under a rush the round trips, not the statements, are what a booking waits for: two
cores run every process, and each answer from PostgreSQL is another wait for the CPU on
both sides, while the session's lock is held.

Whatever it cannot decide, it leaves: a refusal of any rule but a full session, a drawn
day, a lapsed bill to supersede, a clash of codes or of the NIK's one booking: it rolls back
and returns None, and the request takes the full path, which answers with the exact reason
or books the same way. The session's office and times are read once per process for a few
seconds; whether it is open, its quota and the office's being open are read in the statements.
"""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.utils import get_md5_hash_password

from applicants.fees import price_of_application
from applicants.models import Application, Fee
from applicants.models import ApplicationStatus as S
from appointments.services import check_hold_counts, check_ready_to_book
from billing import services as billing
from billing.models import BillStatus
from core import locks
from core.errors import DomainError
from core.memo import TimedMemo
from core.prepared import Prepared
from queueing import hints
from queueing import services as places
from queueing.models import PLACE_TAKING, Booking, Lane, SessionSlot, new_booking_code
from queueing.models import BookingStatus as B

SLOT_SECONDS = 5  # how long a process trusts a session's office and times (what can change is read again)

_slots = TimedMemo(SLOT_SECONDS)


def forget_slots() -> None:
    _slots.clear()


def _slot(session_id: int) -> SessionSlot | None:
    return _slots.get(session_id, lambda: SessionSlot.objects.select_related("office").filter(pk=session_id).first())


class _FullPath(Exception):
    """Roll back: the full path decides this one."""


# Both statements count the regular places a session's bookings hold now as
# `queueing.models.holds_place_q` does: taken for good, or held and not lapsed.
FACTS = Prepared(
    "mpaspor_booking_facts",
    """
SELECT
    (SELECT coalesce(json_object_agg(kind, status), '{}') FROM applicants_document
     WHERE application_id = %(application)s),
    EXISTS (SELECT 1 FROM queueing_quotarelease WHERE office_id = %(office)s AND date = %(day)s),
    EXISTS (SELECT 1 FROM queueing_closure WHERE (office_id = %(office)s OR office_id IS NULL) AND date = %(day)s),
    EXISTS (SELECT 1 FROM billing_bill WHERE application_id = %(application)s AND status = ANY(%(lapsing)s)
            AND expires_at <= %(now)s),
    (SELECT is_active FROM queueing_office WHERE id = %(office)s),
    held.running, held.today,
    (SELECT coalesce(json_object_agg(product, amount), '{}') FROM (
        SELECT DISTINCT ON (product) product, amount FROM applicants_fee WHERE effective_from <= %(now)s
        ORDER BY product, effective_from DESC) fee),
    (SELECT count(*) FROM queueing_booking WHERE slot_id = %(slot)s AND lane = %(regular)s
        AND (status = ANY(%(place_taking)s) OR (status = %(held)s AND hold_until > %(now)s))),
    (SELECT capacity FROM queueing_sessionslot WHERE id = %(slot)s)
FROM (
    SELECT count(*) FILTER (WHERE b.status = %(held)s AND b.hold_until > %(now)s) AS running,
           count(*) FILTER (WHERE b.created_at >= %(day_ago)s AND b.bill_id IS NOT NULL) AS today
    FROM queueing_booking b JOIN applicants_application a ON a.id = b.application_id
    WHERE a.owner_id = %(owner)s
) held
""",
)

# The four writes of a booking, made only while the session has room. The statement before
# it in the same query locks the session; a statement takes its snapshot when it starts, so
# this one counts every booking committed by whoever held the lock before us.
WRITE = Prepared(
    "mpaspor_booking_write",
    """
WITH s AS (
    SELECT is_open, capacity, priority_capacity,
           (SELECT count(*) FROM queueing_booking WHERE slot_id = %(slot)s AND lane = %(regular)s
            AND (status = ANY(%(place_taking)s) OR (status = %(held)s AND hold_until > %(now)s))) AS taken
    FROM queueing_sessionslot WHERE id = %(slot)s
), bill AS (
    INSERT INTO billing_bill (application_id, code, amount, lines, status, payer_name, ministry_code, echelon_code,
                              work_unit_code, account_code, issued_at, expires_at)
    SELECT %(application)s, %(bill_code)s, %(bill_amount)s, %(bill_lines)s::jsonb, %(bill_status)s,
           %(bill_payer_name)s, %(bill_ministry_code)s, %(bill_echelon_code)s, %(bill_work_unit_code)s,
           %(bill_account_code)s, %(bill_issued_at)s, %(bill_expires_at)s
    FROM s WHERE s.is_open AND s.taken < s.capacity
    RETURNING id
), booking AS (
    INSERT INTO queueing_booking (application_id, slot_id, nik, lane, status, code, hold_until, bill_id,
                                  reschedules_used, created_at, updated_at)
    SELECT %(application)s, %(slot)s, %(booking_nik)s, %(booking_lane)s, %(booking_status)s, %(booking_code)s,
           %(booking_hold_until)s, bill.id, 0, %(now)s, %(now)s
    FROM bill
    RETURNING id
), moved AS (
    UPDATE applicants_application SET status = %(booked)s, updated_at = %(now)s
    WHERE id = %(application)s AND status = %(submitted)s AND EXISTS (SELECT 1 FROM booking)
    RETURNING id
), audit AS (
    INSERT INTO core_auditentry (application_id, actor_id, action, from_status, to_status, reason, data, public,
                                 created_at)
    SELECT %(application)s, %(user)s, 'book', %(submitted)s, %(booked)s, '', %(data)s::jsonb, true, %(now)s
    FROM moved
)
SELECT (SELECT id FROM bill), (SELECT id FROM booking), EXISTS (SELECT 1 FROM moved),
       s.is_open, s.capacity, s.priority_capacity, s.taken
FROM s
""",
)
LOCK_SESSION = "SELECT 1 FROM queueing_sessionslot WHERE id = %(slot)s FOR UPDATE; "


def _with_quota(slot: SessionSlot, **fresh) -> SessionSlot:
    """A copy of the remembered session with what the statement has just read of it."""
    copy = SessionSlot(**{field.attname: getattr(slot, field.attname) for field in SessionSlot._meta.concrete_fields})
    copy.office = slot.office
    for name, value in fresh.items():
        setattr(copy, name, value)
    return copy


BILL_COLUMNS = (
    "code",
    "amount",
    "status",
    "payer_name",
    "ministry_code",
    "echelon_code",
    "work_unit_code",
    "account_code",
    "issued_at",
    "expires_at",
)
BOOKING_COLUMNS = ("nik", "lane", "status", "code", "hold_until")


def booking_create_fast(*, user_id, password_digest: str, application_id: str, session_id: int) -> Booking | None:
    """Book the plain case and return the booking (its bill, slot and application attached);
    None: take the full path. The caller has looked at the session's "full" hint; a session
    counted full is refused (`slot_full`) before its lock is asked for, as on the full path."""
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # eager mode tells the applicant from the workflow's hook: the full path has it
    slot = _slot(session_id)
    if slot is None:
        return None
    try:
        return _book(user_id, password_digest, application_id, slot)
    except DomainError as refusal:
        if refusal.code == "slot_full":
            raise  # every other rule held: the full path would answer the same
        return None
    except (_FullPath, ValidationError, ValueError, DatabaseError, Application.DoesNotExist):
        return None  # whatever is not plain: the full path decides, with its exact answer


@locks.use_case
def _book(user_id, password_digest, application_id, slot: SessionSlot) -> Booking:
    application = locks.lock(Application.objects.select_related("owner"), application_id, also=("owner",))
    owner = application.owner
    if not (
        str(owner.pk) == str(user_id)
        and owner.is_active
        and not owner.is_staff
        and get_md5_hash_password(owner.password) == password_digest
        and application.status == S.SUBMITTED
    ):
        raise _FullPath
    now = timezone.now()
    counting = {
        "slot": slot.pk,
        "regular": Lane.REGULAR.value,
        "place_taking": [status.value for status in PLACE_TAKING],
        "held": B.HELD.value,
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            FACTS.statement(cursor),
            counting
            | {
                "application": application.pk,
                "owner": owner.pk,
                "office": slot.office_id,
                "day": slot.date,
                "day_ago": now - timedelta(days=1),
                "lapsing": [BillStatus.UNPAID.value, BillStatus.EXPIRED.value],
            },
        )
        documents, released, closed, lapsed, office_active, running, today, fees, taken, capacity = cursor.fetchone()
    if released or lapsed or not office_active:
        raise _FullPath  # a drawn day's rules, a bill to supersede, a closed office: the full path
    check_hold_counts(held=running, today=today)
    check_ready_to_book(application, documents=documents)
    places.slot_check_bookable(slot, application, day_read=(None, closed))
    if capacity is not None:  # counted without the lock: a full session does not queue on it
        places.place_refuse_if_counted_full(_with_quota(slot, capacity=capacity), [Lane.REGULAR], {Lane.REGULAR: taken})
    lines = price_of_application(application, at=now, fees={p: Fee(product=p, amount=a) for p, a in fees.items()})
    if not lines:
        raise _FullPath
    bill = billing.bill_for(application, lines, now)
    booking = Booking(
        application=application,
        slot=slot,
        nik=application.nik,
        lane=Lane.REGULAR,
        status=B.HELD,
        code=new_booking_code(),
        hold_until=bill.expires_at,
        bill=bill,
        reschedules_used=0,
        created_at=now,
        updated_at=now,
    )
    params = {f"bill_{name}": getattr(bill, name) for name in BILL_COLUMNS}
    params |= {f"booking_{name}": getattr(booking, name) for name in BOOKING_COLUMNS}
    params |= counting | {
        "application": application.pk,
        "user": owner.pk,
        "bill_lines": json.dumps(bill.lines),
        "booked": S.BOOKED.value,
        "submitted": S.SUBMITTED.value,
        "data": json.dumps(places.describe(booking)),
    }
    with connection.cursor() as cursor:
        cursor.execute(LOCK_SESSION + WRITE.statement(cursor), params)
        row = cursor.fetchone()
    if row is None:
        raise _FullPath  # the session is gone
    bill_id, booking_id, moved, is_open, capacity, priority_capacity, taken = row
    if not is_open or (booking_id is not None and not moved):
        raise _FullPath  # closed meanwhile, or the status moved: the full path says which
    locked = _with_quota(slot, capacity=capacity, priority_capacity=priority_capacity, is_open=is_open)
    if not places.lane_fits(locked, Lane.REGULAR, taken + 1):
        raise places.slot_full_error()  # nothing was written: the last place went while we waited
    bill.pk, booking.pk = bill_id, booking_id
    transaction.on_commit(lambda: hints.forget_availability(slot.office.code))
    application.status = S.BOOKED
    booking.slot = locked
    return booking
