"""A lapsed code, its renewal and the late notice of the old code, in every order.

Every signed notice for a code we issued is stored; an in-time payment of any of an
application's codes settles it once; every other payment is a refund case staff can see.
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from django.db import connection

from appointments import payments as receiving
from appointments import services as appointments
from billing import simulator
from billing.models import Bill, Payment
from core.models import AuditEntry
from queueing.models import Booking
from tests.billing.conftest import notify, past
from tests.conftest import bearer
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed

pytestmark = pytest.mark.django_db


def in_time(bill, **overrides):
    """The gateway's notice of a payment made a minute after the code was issued."""
    body = simulator.notification(
        billing_code=bill.code, amount=bill.amount, paid_at=bill.issued_at + timedelta(minutes=1)
    )
    return {**body, **overrides}


def record(body):
    """Record a notice the way the API view does, straight through the service."""
    return receiving.payment_record(**{**body, "paid_at": datetime.fromisoformat(body["paid_at"])})


def renew(application):
    response = committed(bearer(application.owner).post, path=f"/api/v1/applications/{application.pk}/bill/renew/")
    assert response.status_code == 201, response.json()
    return Bill.objects.get(code=response.json()["code"])


def outcomes(application):
    return sorted(Payment.objects.filter(application=application).values_list("outcome", "case"))


@pytest.fixture
def lapsed(booking):
    """A booking whose two hours ran out while the applicant was paying at the bank."""
    old_body = in_time(past(booking).bill)
    return booking, old_body


def test_renewal_supersedes_the_old_code_explicitly(lapsed):
    booking, _old = lapsed
    new_bill = renew(booking.application)
    assert Bill.objects.get(pk=booking.bill_id).status == "superseded"
    assert new_bill.renewed_from_id == booking.bill_id and new_bill.status == "unpaid"


def test_renew_then_the_old_codes_in_time_notice_settles_the_application_and_closes_the_new_code(anon, lapsed):
    booking, old_body = lapsed
    application = booking.application
    new_bill = renew(application)

    response = notify(anon, old_body)

    assert response.status_code == 200 and response.json() == {"status": "paid"}
    application.refresh_from_db()
    assert application.status == "paid"
    assert Bill.objects.get(pk=booking.bill_id).status == "paid"
    assert Bill.objects.get(pk=new_bill.pk).status == "cancelled"
    place = Booking.objects.get(application=application, status="confirmed")
    assert place.slot == booking.slot and place.bill_id == booking.bill_id and place.hold_until is None
    body = bearer(application.owner).get(f"/api/v1/applications/{application.pk}/bill/").json()
    assert body["code"] == booking.bill.code and body["status"] == "paid"


def test_renew_old_notice_then_the_new_codes_notice_is_kept_as_a_refund_case_not_lost(anon, lapsed):
    booking, old_body = lapsed
    new_bill = renew(booking.application)
    notify(anon, old_body)

    response = notify(anon, in_time(new_bill))

    assert response.status_code == 200
    assert response.json() == {"status": "refund_due", "case": "bill_cancelled"}
    assert outcomes(booking.application) == [("applied", ""), ("refund_due", "bill_cancelled")]
    assert (
        AuditEntry.objects.filter(application_id=booking.application.pk)
        .filter(action="payment_refund_due", public=True)
        .exists()
    )


def test_renew_pay_the_new_code_then_the_old_codes_notice_is_kept_as_a_refund_case(anon, lapsed):
    booking, old_body = lapsed
    application = booking.application
    new_bill = renew(application)
    assert notify(anon, in_time(new_bill)).json() == {"status": "paid"}

    response = notify(anon, old_body)

    assert response.status_code == 200
    assert response.json() == {"status": "refund_due", "case": "application_settled"}
    assert outcomes(application) == [("applied", ""), ("refund_due", "application_settled")]
    application.refresh_from_db()
    assert application.status == "paid"
    assert Booking.objects.get(application=application, status="confirmed").bill_id == new_bill.pk


def test_the_old_codes_in_time_notice_before_any_renewal_confirms_the_place(anon, lapsed):
    booking, old_body = lapsed
    assert notify(anon, old_body).json() == {"status": "paid"}
    booking.refresh_from_db()
    assert booking.status == "confirmed"
    response = bearer(booking.application.owner).post(f"/api/v1/applications/{booking.application_id}/bill/renew/")
    assert response.status_code == 409 and response.json()["code"] == "not_renewable"


def test_a_new_booking_after_a_lapse_also_supersedes_the_old_code_and_its_late_notice_still_settles(
    anon, lapsed, office
):
    booking, old_body = lapsed
    application = booking.application
    committed(appointments.bookings_expire_due)
    other = committed(
        appointments.booking_create,
        application=application,
        slot=make_slot(office, days_ahead=4),
        actor=application.owner,
    )
    assert Bill.objects.get(pk=booking.bill_id).status == "superseded"

    assert notify(anon, old_body).json() == {"status": "paid"}

    other.refresh_from_db()
    assert other.status == "confirmed" and other.bill_id == booking.bill_id
    assert Bill.objects.get(pk=other.bill_id).status == "paid"
    assert application.bills.filter(status="unpaid").count() == 0


def test_a_notice_paid_before_the_code_was_issued_is_422_kept_as_a_case_and_changes_nothing(anon, booking):
    body = in_time(booking.bill, paid_at=(booking.bill.issued_at - timedelta(minutes=5)).isoformat())

    response = notify(anon, body)

    assert response.status_code == 422 and response.json()["code"] == "paid_before_issue"
    assert Bill.objects.get(pk=booking.bill_id).status == "unpaid"
    assert Booking.objects.get(pk=booking.pk).status == "held"
    assert outcomes(booking.application) == [("refund_due", "paid_before_issue")]


def test_a_refused_state_move_keeps_the_payment_as_a_case(anon, lapsed):
    booking, old_body = lapsed
    application = booking.application
    committed(appointments.bookings_expire_due)
    committed(appointments.application_cancel, application=application, actor=application.owner)

    response = notify(anon, old_body)

    assert response.status_code == 200 and response.json()["case"] == "not_payable"
    application.refresh_from_db()
    assert application.status == "cancelled"
    assert outcomes(application) == [("refund_due", "not_payable")]
    assert Bill.objects.get(pk=booking.bill_id).status == "expired"


def test_the_database_refuses_a_second_applied_payment_for_one_application(booking):
    from django.db import IntegrityError

    record(in_time(booking.bill))
    with pytest.raises(IntegrityError):
        Payment.objects.create(
            bill=booking.bill,
            application=booking.application,
            ntpn="X" * 16,
            channel="teller",
            amount=1,
            paid_at=booking.bill.issued_at,
            outcome="applied",
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(4))
def test_both_codes_notices_at_once_settle_the_application_once_and_keep_the_other_as_a_case(round_):
    slot = make_slot(make_office(code=f"both{round_}"), capacity=1, priority_capacity=0)
    application = ready_application()
    booking = appointments.booking_create(application=application, slot=slot, actor=application.owner)
    old_body = in_time(past(booking).bill)
    new_bill = appointments.booking_renew(application=application, actor=application.owner).bill
    bodies = [old_body, in_time(new_bill)]
    start = threading.Barrier(2)

    def pay(body):
        try:
            start.wait()
            result = record(body)
            return result.payment.outcome
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(pay, bodies))

    assert results == ["applied", "refund_due"]
    application.refresh_from_db()
    assert application.status == "paid"
    assert Payment.objects.filter(application=application, outcome="applied").count() == 1
    assert Booking.objects.filter(application=application, status="confirmed").count() == 1
    assert Bill.objects.filter(application=application, status="paid").count() == 1
    assert Booking.objects.filter(slot=slot, status__in=("held", "confirmed")).count() == 1
