"""A rush on the last places, with real threads on PostgreSQL.

First the test shows that the race is real (with the row lock switched off, the same rush
overbooks), then that with the protection on exactly the capacity wins.
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from appointments import services as appointments
from core.errors import DomainError
from queueing import hints, services
from queueing.models import ACTIVE, Booking, SessionSlot
from tests.factories import make_office, make_slot, ready_application

pytestmark = pytest.mark.django_db(transaction=True)


def rush(slot, applications) -> Counter:
    start = threading.Barrier(len(applications))

    def attempt(application):
        try:
            start.wait()
            appointments.booking_create(application=application, slot=slot, actor=application.owner)
            return "booked"
        except DomainError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(applications)) as pool:
        return Counter(pool.map(attempt, applications))


@pytest.fixture
def last_places():
    office = make_office()
    slot = make_slot(office, capacity=3, priority_capacity=0)
    return slot, [ready_application() for _ in range(24)]


def test_without_the_row_lock_the_same_rush_overbooks(last_places, monkeypatch):
    slot, applications = last_places
    counted = services._taken

    def slow_count(slot, lane):  # the gap between counting and inserting, made visible
        n = counted(slot, lane)
        time.sleep(0.05)
        return n

    monkeypatch.setattr(
        services,
        "_lock_slots",
        lambda *ids, **_: {s.pk: s for s in SessionSlot.objects.select_related("office").filter(pk__in=ids)},
    )
    monkeypatch.setattr(services, "_taken", slow_count)
    monkeypatch.setattr(hints, "is_full", lambda *args: False)
    results = rush(slot, applications)
    assert results["booked"] > slot.capacity  # the oversell a lock prevents


def test_many_people_booking_the_last_places_at_once_exactly_capacity_win(last_places, monkeypatch):
    slot, applications = last_places
    counted = services._taken

    def slow_count(slot, lane):  # the same widened gap: the lock must hold anyway
        n = counted(slot, lane)
        time.sleep(0.01)
        return n

    monkeypatch.setattr(services, "_taken", slow_count)
    results = rush(slot, applications)
    assert results == Counter({"booked": 3, "slot_full": 21})
    assert Booking.objects.filter(slot=slot, status__in=ACTIVE).count() == 3
    assert sum(a.bills.count() for a in applications) == 3


def test_two_movers_swapping_sessions_at_once_neither_deadlock_nor_lose_a_place():
    office = make_office()
    a_slot, b_slot = make_slot(office, days_ahead=2, capacity=2), make_slot(office, days_ahead=3, capacity=2)
    a, b = ready_application(), ready_application()
    booking_a = appointments.booking_create(application=a, slot=a_slot, actor=a.owner)
    booking_b = appointments.booking_create(application=b, slot=b_slot, actor=b.owner)
    start = threading.Barrier(2)

    def move(booking, target, owner):
        try:
            start.wait()
            return services.booking_reschedule(booking=booking, slot=target, actor=owner).slot_id
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        moved = list(pool.map(move, [booking_a, booking_b], [b_slot, a_slot], [a.owner, b.owner]))
    assert moved == [b_slot.pk, a_slot.pk]
    assert Booking.objects.filter(status__in=ACTIVE).count() == 2
