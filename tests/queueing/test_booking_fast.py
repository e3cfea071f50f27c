"""The rush's cheap booking (appointments/booking_fast.py): a short list of statements for the
plain case, the same answer and rows as the full path, every other case left to the full
path, and never a place beyond the quota."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from appointments import services
from billing.models import Bill, BillStatus
from core.models import AuditEntry
from queueing import releases
from queueing.models import Booking, Closure, holds_place_q
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed
from tests.queueing import arrangements as people

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def slot():
    return make_slot(make_office(code="rush-fast", issues_electronic=False, opening_mode="race"), capacity=5)


def post(application, slot, token=None, **headers):
    token = token or AccessToken.for_user(application.owner)
    return Client().post(
        f"/api/v1/applications/{application.pk}/booking/",
        data={"session": slot.pk},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


def rows_of(application):
    booking = Booking.objects.select_related("bill").get(application=application)
    bill = booking.bill
    audit = AuditEntry.objects.get(application_id=application.pk, action="book")
    application.refresh_from_db()
    return {
        "status": application.status,
        "booking": (booking.nik == application.nik, booking.lane, booking.status, booking.reschedules_used),
        "hold": (booking.hold_until == bill.expires_at, len(booking.code)),
        "bill": (bill.amount, bill.lines, bill.status, bill.payer_name == application.full_name, len(bill.code)),
        "codes": (bill.ministry_code, bill.echelon_code, bill.work_unit_code, bill.account_code),
        "deadline": bill.expires_at - bill.issued_at,
        "audit": (audit.actor_id == application.owner_id, audit.from_status, audit.to_status, audit.public),
        "audit_data": {**audit.data, "booking": len(audit.data["booking"])},
    }


def test_a_plain_booking_is_a_few_statements_with_the_same_answer_and_rows_as_the_full_path(slot):
    post(ready_application(), slot)  # the first booking reads the session and its office for this process
    fast, full = ready_application(), ready_application()
    with CaptureQueriesContext(connection) as queries:
        answer = post(fast, slot)
    assert answer.status_code == 201, answer.content
    sent = [q["sql"] for q in queries]
    assert len(sent) <= 5, [sql[:70] for sql in sent]  # the full path takes 19 round trips
    assert sent[0] == "BEGIN" and sent[-1] == "COMMIT"
    assert sent[1].startswith("SET LOCAL lock_timeout")  # in front of the first statement, not on its own
    with CaptureQueriesContext(connection) as queries:
        keyed = post(full, slot, HTTP_IDEMPOTENCY_KEY="full-path")  # a keyed request goes the full way
    assert keyed.status_code == 201 and len(queries) > 15

    assert rows_of(fast) == rows_of(full)
    assert rows_of(fast)["deadline"] == timedelta(seconds=settings.BILL_TTL_SECONDS)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {AccessToken.for_user(fast.owner)}")
    assert answer.json() == client.get(f"/api/v1/applications/{fast.pk}/booking/").json()
    mine, theirs = answer.json(), keyed.json()
    for varying in ("code", "bill", "hold_until", "created_at"):
        mine.pop(varying), theirs.pop(varying)
    assert mine == theirs


def _booked_elsewhere(application, slot):
    other = make_slot(make_office(code="race-other", opening_mode="race"), days_ahead=3)
    twin = ready_application(nik=application.nik)  # another account with this NIK holds a booking
    committed(services.booking_create, application=twin, slot=other, actor=twin.owner)
    return {}


def _session_closed(application, slot):
    type(slot).objects.filter(pk=slot.pk).update(is_open=False)  # after this process read it open
    return {}


def _office_shut(application, slot):
    type(slot.office).objects.filter(pk=slot.office_id).update(is_active=False)
    return {}


def _day_closed(application, slot):
    Closure.objects.create(office=slot.office, date=slot.date, reason="Cuti bersama")
    return {}


def _draw_opened(application, slot):
    type(slot.office).objects.filter(pk=slot.office_id).update(opening_mode="draw")
    office = type(slot.office).objects.get(pk=slot.office_id)
    releases.release_open(office=office, day=slot.date, opens_at=timezone.now() - timedelta(minutes=1))
    return {}


def _holds_enough(application, slot):
    return {"settings": {"MAX_UNPAID_HOLDS_PER_ACCOUNT": 0}}


def _full(application, slot):
    type(slot).objects.filter(pk=slot.pk).update(capacity=1)
    return {}


@pytest.mark.parametrize(
    "arrange, status, code",
    [
        *people.REFUSALS,
        (_booked_elsewhere, 409, "nik_already_booked"),
        (_session_closed, 409, "slot_not_bookable"),
        (_office_shut, 409, "slot_not_bookable"),
        (_day_closed, 409, "slot_not_bookable"),
        (_draw_opened, 409, "draw_open"),
        (_holds_enough, 409, "too_many_unpaid_holds"),
        (_full, 409, "slot_full"),
    ],
)
def test_whatever_the_plain_booking_cannot_take_gets_the_full_paths_refusal(slot, arrange, status, code, settings):
    assert post(ready_application(), slot).status_code == 201  # this process now remembers the session
    application = ready_application()
    extra = arrange(application, slot)
    for name, value in extra.get("settings", {}).items():
        setattr(settings, name, value)
    answer = post(application, slot, token=extra.get("token"))
    assert answer.status_code == status, answer.content
    if code:
        assert answer.json()["code"] == code
    assert not Booking.objects.filter(application=application).exists()
    assert not Bill.objects.filter(application=application).exists()
    assert not AuditEntry.objects.filter(application_id=application.pk, action="book").exists()


def test_a_lapsed_code_is_superseded_by_the_full_path_and_the_place_still_booked(slot):
    application = ready_application()
    now = timezone.now()
    old = Bill.objects.create(
        application=application,
        amount=650_000,
        payer_name=application.full_name,
        ministry_code="012",
        echelon_code="06",
        work_unit_code="409000",
        account_code="425151",
        issued_at=now - timedelta(hours=3),
        expires_at=now - timedelta(hours=1),
    )
    answer = post(application, slot)
    assert answer.status_code == 201, answer.content
    old.refresh_from_db()
    assert old.status == BillStatus.SUPERSEDED
    assert answer.json()["bill"]["code"] != old.code


def test_rate_limits_count_a_booking_once_whichever_path_answers(slot, settings):
    settings.RATE_LIMITS = "booking_account=3/m"
    application = ready_application()
    answers = [post(application, slot).status_code for _ in range(4)]
    assert answers == [201, 409, 409, 429]  # the fast path, then the full path's "already booked"


def test_a_rush_of_plain_bookings_fills_the_quota_exactly(slot):
    type(slot).objects.filter(pk=slot.pk).update(capacity=3)
    applications = [ready_application() for _ in range(16)]
    post(ready_application(), make_slot(slot.office, days_ahead=3))  # warm, as in a rush
    start = threading.Barrier(len(applications))

    def attempt(application):
        try:
            start.wait()
            answer = post(application, slot)
            return answer.status_code, answer.json()["code"] if answer.status_code != 201 else "booked"
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(applications)) as pool:
        outcomes = Counter(pool.map(attempt, applications))
    assert outcomes[(201, "booked")] == 3, outcomes
    assert set(outcomes) <= {(201, "booked"), (409, "slot_full"), (503, "busy")}, outcomes
    assert Booking.objects.filter(slot=slot).count() == 3
    assert Bill.objects.filter(application__in=applications).count() == 3  # none left by a refused attempt


def test_the_places_held_are_counted_as_everywhere_else(slot):
    """Lapsed holds, cancelled, moved and priority-lane bookings leave a regular place free;
    a live hold, a confirmed booking and a no-show take one."""
    type(slot).objects.filter(pk=slot.pk).update(capacity=20, priority_capacity=2)
    slot.refresh_from_db()
    others = [ready_application() for _ in range(7)]
    for other in others:
        committed(services.booking_create, application=other, slot=slot, actor=other.owner)
    past = timezone.now() - timedelta(minutes=1)
    bookings = Booking.objects.filter(application__in=others).order_by("pk")
    ids = list(bookings.values_list("pk", flat=True))
    Booking.objects.filter(pk=ids[0]).update(hold_until=past)  # lapsed: no longer holds a place
    Booking.objects.filter(pk=ids[1]).update(status="cancelled")
    Booking.objects.filter(pk=ids[2]).update(status="moved")
    Booking.objects.filter(pk=ids[3]).update(status="confirmed", lane="priority")
    Booking.objects.filter(pk=ids[4]).update(status="confirmed")
    Booking.objects.filter(pk=ids[5]).update(status="no_show")
    # ids[6] stays a live hold: three regular places taken
    type(slot).objects.filter(pk=slot.pk).update(capacity=5)
    assert [post(ready_application(), slot).status_code for _ in range(2)] == [201, 201]
    refused = post(ready_application(), slot)
    assert refused.status_code == 409 and refused.json()["code"] == "slot_full"
    assert Booking.objects.filter(slot=slot, lane="regular").filter(holds_place_q()).count() == 5


def test_the_plain_booking_charges_the_fee_in_force_not_an_older_or_a_future_one(slot):
    """The booking's one read picks the fees itself: it must agree with `fees_in_force`."""
    from applicants.fees import fees_in_force
    from applicants.models import Fee

    now = timezone.now()
    Fee.objects.create(product="ordinary_10", amount=700_000, effective_from=now - timedelta(days=1), legal_basis="T")
    Fee.objects.create(product="ordinary_10", amount=900_000, effective_from=now + timedelta(days=1), legal_basis="T")
    application = ready_application()
    answer = post(application, slot)
    assert answer.status_code == 201, answer.content
    bill = Booking.objects.select_related("bill").get(application=application).bill
    assert bill.amount == fees_in_force()["ordinary_10"].amount == 700_000
