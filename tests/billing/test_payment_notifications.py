import json
import time
from datetime import timedelta

import pytest

from appointments import services as appointments
from billing.models import Bill, Payment
from queueing.models import Booking
from tests.billing.conftest import notify, paid, past
from tests.factories import ready_application
from tests.helpers import committed

pytestmark = pytest.mark.django_db


def state(booking):
    booking.refresh_from_db()
    booking.bill.refresh_from_db()
    booking.application.refresh_from_db()
    return booking.status, booking.bill.status, booking.application.status


def test_a_signed_payment_confirms_the_booking_and_records_ntpn_ntb_channel(anon, booking):
    body = paid(booking.bill, channel="minimarket")
    response = notify(anon, body)
    assert response.status_code == 200 and response.json() == {"status": "paid"}
    assert state(booking) == ("confirmed", "paid", "paid")
    payment = Payment.objects.get()
    assert (payment.ntpn, payment.ntb, payment.channel, payment.outcome) == (
        body["ntpn"],
        body["ntb"],
        "minimarket",
        "applied",
    )
    assert booking.bill.paid_at.isoformat() == body["paid_at"]


def test_a_repeated_notice_is_200_and_changes_nothing(anon, booking):
    body = paid(booking.bill)
    notify(anon, body)
    again = notify(anon, body)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("tamper", ["no_signature", "wrong_secret", "stale", "future", "edited_body"])
def test_an_unsigned_or_tampered_notice_is_401_and_changes_nothing(anon, booking, tamper):
    body = paid(booking.bill)
    if tamper == "no_signature":
        response = anon.post("/api/v1/payments/notifications/", body, format="json")
    elif tamper == "wrong_secret":
        response = notify(anon, body, secret="not-the-secret")
    elif tamper in ("stale", "future"):
        response = notify(anon, body, timestamp=int(time.time()) + (-301 if tamper == "stale" else 301))
    else:
        from django.conf import settings

        from core.signing import signed_headers

        headers = signed_headers(settings.PAYMENT_WEBHOOK_SECRET, json.dumps(body).encode())
        forged = json.dumps({**body, "amount": 1}).encode()
        response = anon.post(
            "/api/v1/payments/notifications/",
            data=forged,
            content_type="application/json",
            HTTP_X_TIMESTAMP=headers["X-Timestamp"],
            HTTP_X_SIGNATURE=headers["X-Signature"],
        )
    assert response.status_code == 401
    assert state(booking) == ("held", "unpaid", "booked")
    assert not Payment.objects.exists()


def test_a_wrong_amount_is_422_the_bill_stays_unpaid_and_the_money_is_kept_as_a_refund_case(anon, booking):
    response = notify(anon, paid(booking.bill, amount=booking.bill.amount - 1000))
    assert response.status_code == 422 and response.json()["code"] == "amount_mismatch"
    assert state(booking) == ("held", "unpaid", "booked")
    assert Payment.objects.values_list("outcome", "case").get() == ("refund_due", "amount_mismatch")


def test_an_unknown_billing_code_is_404(anon, booking):
    response = notify(anon, paid(booking.bill, billing_code="999999999999999"))
    assert response.status_code == 404 and response.json()["code"] == "unknown_billing_code"


def test_a_malformed_notice_is_400(anon, booking):
    response = notify(anon, {"billing_code": "12", "amount": "lots"})
    assert response.status_code == 400 and {"billing_code", "amount"} <= set(response.json()["fields"])


def test_a_payment_made_after_the_deadline_is_409_kept_for_refund_and_confirms_nothing(anon, booking):
    booking = past(booking, seconds=60)
    response = notify(anon, paid(booking.bill, minutes_after_issue=24 * 60))
    assert response.status_code == 409 and response.json()["code"] == "bill_expired"
    assert state(booking)[1] == "unpaid"  # the bill is unchanged (expired by its deadline)
    assert Bill.objects.get(pk=booking.bill_id).is_expired
    assert Payment.objects.get().outcome == "refund_due"


def test_a_payment_made_in_time_counts_even_when_its_notice_comes_after_the_sweeper(anon, booking):
    booking = past(booking)
    body = paid(booking.bill, paid_at=(booking.bill.expires_at - timedelta(seconds=30)).isoformat())
    committed(appointments.bookings_expire_due)
    assert state(booking) == ("expired", "expired", "expired")
    response = notify(anon, body)
    assert response.status_code == 200
    assert state(booking) == ("confirmed", "paid", "paid")  # the session still had room


def test_a_late_notice_for_a_session_that_filled_up_keeps_the_money_and_lets_the_person_rebook(anon, booking, office):
    from tests.factories import make_slot

    booking = past(booking)
    body = paid(booking.bill, paid_at=(booking.bill.expires_at - timedelta(seconds=30)).isoformat())
    committed(appointments.bookings_expire_due)
    other = ready_application()
    committed(
        appointments.booking_create, application=other, slot=booking.slot, actor=other.owner
    )  # takes the only place
    assert notify(anon, body).status_code == 200
    assert state(booking) == ("expired", "paid", "paid")
    rebooked = appointments.booking_create(
        application=booking.application, slot=make_slot(office, days_ahead=3), actor=booking.application.owner
    )
    assert rebooked.status == "confirmed" and rebooked.bill == booking.bill
    assert booking.application.bills.count() == 1  # nothing to pay again


def test_a_second_payment_of_a_paid_bill_is_kept_for_refund(anon, booking):
    notify(anon, paid(booking.bill))
    response = notify(anon, paid(booking.bill))
    assert response.status_code == 200 and response.json()["status"] == "refund_due"
    assert sorted(Payment.objects.values_list("outcome", flat=True)) == ["applied", "refund_due"]


def test_the_same_ntpn_for_another_bill_is_a_conflict(anon, booking, office):
    from tests.factories import make_slot

    body = paid(booking.bill)
    notify(anon, body)
    other = ready_application()
    other_booking = appointments.booking_create(
        application=other, slot=make_slot(office, days_ahead=4), actor=other.owner
    )
    response = notify(anon, paid(other_booking.bill, ntpn=body["ntpn"]))
    assert response.status_code == 409 and response.json()["code"] == "ntpn_conflict"


def test_a_paid_booking_cannot_be_cancelled_only_moved(anon, booking):
    from tests.helpers import domain_error

    notify(anon, paid(booking.bill))
    booking.refresh_from_db()
    with domain_error("booking_paid"):
        appointments.booking_cancel(booking=booking, actor=booking.application.owner)
    assert Booking.objects.get(pk=booking.pk).status == "confirmed"
