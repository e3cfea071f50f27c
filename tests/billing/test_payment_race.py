"""A payment notice and the sweeper reaching the same bill at the same moment."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from appointments import payments as receiving
from appointments import services as appointments
from billing import simulator
from billing.models import Bill, Payment
from queueing.models import Booking
from tests.factories import make_office, make_slot, ready_application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("round_", range(5))
def test_a_payment_made_in_time_wins_against_the_sweeper_whoever_locks_first(round_):
    slot = make_slot(make_office(code=f"o{round_}"), capacity=1, priority_capacity=0)
    application = ready_application()
    booking = appointments.booking_create(application=application, slot=slot, actor=application.owner)
    deadline = timezone.now() - timedelta(milliseconds=50)
    Booking.objects.filter(pk=booking.pk).update(hold_until=deadline)
    Bill.objects.filter(pk=booking.bill_id).update(issued_at=deadline - timedelta(hours=2), expires_at=deadline)
    body = {
        **simulator.notification(billing_code=booking.bill.code, amount=booking.bill.amount),
        "paid_at": deadline - timedelta(seconds=5),
    }
    start = threading.Barrier(2)

    def pay():
        try:
            start.wait()
            return receiving.payment_record(**body).applied
        finally:
            connection.close()

    def sweep():
        try:
            start.wait()
            return appointments.bookings_expire_due()
        finally:
            connection.close()

    with ThreadPoolExecutor(2) as pool:
        paid, _swept = pool.submit(pay), pool.submit(sweep)
        assert paid.result() is True
    booking.refresh_from_db()
    application.refresh_from_db()
    assert Bill.objects.get(pk=booking.bill_id).status == "paid"
    assert booking.status == "confirmed" and application.status == "paid"
    assert Payment.objects.filter(outcome="applied").count() == 1
    assert Booking.objects.filter(slot=slot, status="confirmed").count() == 1
