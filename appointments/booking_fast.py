"""The rush's cheap booking: the plain case of `services.booking_create` in nine statements.

When a day's quota is released to the fastest (an office in `race` mode, or a day without
a draw), the 120 places go in seconds and every successful booking costs the whole server
its CPU while the crowd waits. Nearly every one is the plain case: the owner of a submitted
application books a regular place with the app. `booking_create_fast` makes that booking
with the same rules as the full path, mostly by calling the same functions, but reads what
they need in a few plain statements and writes the bill, the booking, the status and its
audit row in one:

    the places held, without a lock              (`places.place_refuse_if_counted_full`)
    the application and its account, locked      (as `services.book_place`)
    the account's unpaid holds                   (`services._check_unpaid_holds`)
    the documents, the day's release and closure, lapsed bills, the office still open
    the fee in force                             (`fees.price_of_application`)
    bill + booking + status + audit row, and the session locked
    the places held, ours included               (`places.settle_lane`)

Whatever it cannot decide, it leaves: a refusal of any rule (a full session too), a drawn
day, a lapsed bill to supersede, a clash of codes or of the NIK's one booking: it rolls back
and returns None, and the request takes the full path, which answers with the exact reason
or books the same way. The session's office and times are read once per process for a few
seconds; whether it is open, its quota and the office's being open are read in the statements.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from rest_framework_simplejwt.utils import get_md5_hash_password

from applicants.fees import price_of_application
from applicants.models import Application
from applicants.models import ApplicationStatus as S
from appointments.services import _check_unpaid_holds, check_ready_to_book
from billing import services as billing
from billing.models import BillStatus
from core import locks
from core.errors import DomainError
from core.memo import TimedMemo
from core.prepared import Prepared
from queueing import hints
from queueing import services as places
from queueing.models import Booking, Lane, SessionSlot, new_booking_code
from queueing.models import BookingStatus as B

SLOT_SECONDS = 5  # how long a process trusts a session's office and times (what can change is read again)

_slots = TimedMemo(SLOT_SECONDS)


def forget_slots() -> None:
    _slots.clear()


def _slot(session_id: int) -> SessionSlot | None:
    return _slots.get(session_id, lambda: SessionSlot.objects.select_related("office").filter(pk=session_id).first())


class _FullPath(Exception):
    """Roll back: the full path decides this one."""


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
    (SELECT is_active FROM queueing_office WHERE id = %(office)s)
""",
)

# The four writes of a booking and the session's lock, in one statement. The count of the
# places held comes after it, in a statement of its own: its snapshot must be taken after
# the lock is granted, to see every booking committed by whoever held the lock before us.
WRITE = Prepared(
    "mpaspor_booking_write",
    """
WITH bill AS (
    INSERT INTO billing_bill (application_id, code, amount, lines, status, payer_name, ministry_code, echelon_code,
                              work_unit_code, account_code, issued_at, expires_at)
    VALUES (%(application)s, %(bill_code)s, %(bill_amount)s, %(bill_lines)s::jsonb, %(bill_status)s,
            %(bill_payer_name)s, %(bill_ministry_code)s, %(bill_echelon_code)s, %(bill_work_unit_code)s,
            %(bill_account_code)s, %(bill_issued_at)s, %(bill_expires_at)s)
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
    WHERE id = %(application)s AND status = %(submitted)s
    RETURNING id
), audit AS (
    INSERT INTO core_auditentry (application_id, actor_id, action, from_status, to_status, reason, data, public,
                                 created_at)
    SELECT %(application)s, %(user)s, 'book', %(submitted)s, %(booked)s, '', %(data)s::jsonb, true, %(now)s
    FROM moved
)
SELECT bill.id, booking.id, s.is_open, s.capacity, s.priority_capacity
FROM bill, booking, moved, queueing_sessionslot s
WHERE s.id = %(slot)s
FOR UPDATE OF s
""",
)
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
    counted full without its lock is refused (`slot_full`)."""
    if connection.vendor != "postgresql" or settings.CELERY_TASK_ALWAYS_EAGER:
        return None  # eager mode tells the applicant from the workflow's hook: the full path has it
    slot = _slot(session_id)
    if slot is None:
        return None
    # As the full path: a full session never queues on its lock (the caller looked at the hint).
    places.place_refuse_if_counted_full(slot, [Lane.REGULAR])
    try:
        return _book(user_id, password_digest, application_id, slot)
    except (_FullPath, DomainError, ValidationError, ValueError, DatabaseError, Application.DoesNotExist):
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
    _check_unpaid_holds(owner.pk)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            FACTS.statement(cursor),
            {
                "application": application.pk,
                "office": slot.office_id,
                "day": slot.date,
                "lapsing": [BillStatus.UNPAID.value, BillStatus.EXPIRED.value],
                "now": now,
            },
        )
        documents, released, closed, lapsed, office_active = cursor.fetchone()
    if released or lapsed or not office_active:
        raise _FullPath  # a drawn day's rules, a bill to supersede, a closed office: the full path
    check_ready_to_book(application, documents=documents)
    places.slot_check_bookable(slot, application, day_read=(None, closed))
    lines = price_of_application(application, at=now)
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
    params |= {
        "application": application.pk,
        "user": owner.pk,
        "slot": slot.pk,
        "bill_lines": json.dumps(bill.lines),
        "booked": S.BOOKED.value,
        "submitted": S.SUBMITTED.value,
        "data": json.dumps(places.describe(booking)),
        "now": now,
    }
    with connection.cursor() as cursor:
        cursor.execute(WRITE.statement(cursor), params)
        row = cursor.fetchone()
    if row is None:
        raise _FullPath  # the session is gone, or the status moved meanwhile
    bill.pk, booking.pk, is_open, capacity, priority_capacity = row
    locked = SessionSlot(**{field.attname: getattr(slot, field.attname) for field in SessionSlot._meta.concrete_fields})
    locked.office = slot.office
    locked.capacity, locked.priority_capacity, locked.is_open = capacity, priority_capacity, is_open
    if not is_open:
        raise _FullPath
    places.settle_lane(locked, booking, [Lane.REGULAR])  # refuses past the capacity, which rolls back
    transaction.on_commit(lambda: hints.forget_availability(slot.office.code))
    application.status = S.BOOKED
    booking.slot = locked
    return booking
