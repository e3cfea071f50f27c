"""Expiry and reminders run by a real Celery worker and beat, over a real Redis broker."""

import pytest

from appointments import payments as receiving
from appointments import services as appointments
from billing import simulator
from billing.models import Bill
from queueing import selectors
from queueing.models import Booking
from tests.factories import make_office, make_slot, ready_application
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def remaining(slot):
    day = next(d for d in selectors.availability(slot.office) if d["date"] == slot.date.isoformat())
    return next(s for s in day["sessions"] if s["id"] == slot.pk)["remaining"]


def test_beat_expires_an_unpaid_bill_and_its_place_returns_while_a_paid_one_stays(celery_worker, settings):
    settings.BILL_TTL_SECONDS = 2
    slot = make_slot(make_office(), capacity=2, priority_capacity=0)
    unpaid_app, paid_app = ready_application(), ready_application()
    unpaid = appointments.booking_create(application=unpaid_app, slot=slot, actor=unpaid_app.owner)
    paid = appointments.booking_create(application=paid_app, slot=slot, actor=paid_app.owner)
    body = simulator.notification(billing_code=paid.bill.code, amount=paid.bill.amount)
    receiving.payment_record(**{**body, "paid_at": paid.bill.issued_at})
    assert remaining(slot) == 0

    swept = wait_for(lambda: Booking.objects.get(pk=unpaid.pk).status == "expired", timeout=30)
    assert swept, "the beat-scheduled sweeper did not expire the bill:\n" + "".join(celery_worker[-30:])
    assert Bill.objects.get(pk=unpaid.bill_id).status == "expired"
    unpaid_app.refresh_from_db()
    assert unpaid_app.status == "expired"
    assert remaining(slot) == 1
    assert Booking.objects.get(pk=paid.pk).status == "confirmed"
    assert Bill.objects.get(pk=paid.bill_id).status == "paid"


def test_a_task_sent_through_redis_is_run_by_the_worker(celery_worker, settings):
    from appointments.tasks import expire_due_bookings

    result = expire_due_bookings.apply_async()
    assert result.id  # queued on the real broker
    assert wait_for(lambda: any(result.id in line and "succeeded" in line for line in celery_worker), 30)
