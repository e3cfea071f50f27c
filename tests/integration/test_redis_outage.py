"""Redis stops and comes back under a running worker and a running portal."""

import time

import pytest

from appointments import services as appointments
from queueing import hints, selectors
from queueing.models import Booking
from tests.factories import make_office, make_slot, ready_application
from tests.integration.conftest import start_worker, stop_worker, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def caches_on(private_redis, settings):
    """Point this process's caches at the private Redis, as a web process would be."""
    settings.CACHES = {alias: {**config, "LOCATION": private_redis.url} for alias, config in settings.CACHES.items()}
    yield private_redis


def test_the_worker_survives_a_redis_restart_and_runs_tasks_again(private_redis, transactional_db, tmp_path, settings):
    settings.BILL_TTL_SECONDS = 2
    from appointments.tasks import expire_due_bookings
    from mpaspor.celery import app

    process, lines = start_worker(tmp_path, private_redis.url, production_like=True)
    try:
        with app.connection_for_write(private_redis.url) as connection:  # work in flight when Redis goes
            for _ in range(300):
                expire_due_bookings.apply_async(connection=connection)
        private_redis.stop()
        time.sleep(8)  # beat and the worker both lose the broker for a while
        private_redis.start()
        assert wait_for(lambda: any("Connected to redis" in line for line in lines[-200:]), timeout=60)
        assert process.poll() is None, "the worker exited:\n" + "".join(lines[-40:])

        slot = make_slot(make_office(), capacity=1, priority_capacity=0)
        application = ready_application()
        booking = appointments.booking_create(application=application, slot=slot, actor=application.owner)
        swept = wait_for(lambda: Booking.objects.get(pk=booking.pk).status == "expired", timeout=45)
        assert swept, "no sweep after Redis came back:\n" + "".join(lines[-40:])
    finally:
        stop_worker(process)


def test_with_redis_away_booking_and_reading_availability_use_the_database(caches_on):
    slot = make_slot(make_office(), capacity=2, priority_capacity=0)
    first, second, third = ready_application(), ready_application(), ready_application()
    appointments.booking_create(application=first, slot=slot, actor=first.owner)
    caches_on.stop()
    hints._memo.clear()

    started = time.monotonic()
    appointments.booking_create(application=second, slot=slot, actor=second.owner)
    day = next(d for d in selectors.availability(slot.office) if d["date"] == slot.date.isoformat())
    from tests.helpers import domain_error

    with domain_error("slot_full"):
        appointments.booking_create(application=third, slot=slot, actor=third.owner)
    assert time.monotonic() - started < 5
    assert day["sessions"][0]["remaining"] == 0
    assert Booking.objects.filter(slot=slot, status="held").count() == 2
    caches_on.start()
