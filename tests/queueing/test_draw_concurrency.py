"""Entries racing each other and the close, with real threads on PostgreSQL."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from appointments import draws
from core.errors import DomainError
from queueing import releases
from queueing.models import Booking, DrawEntry, EntryStatus
from tests.factories import make_office, make_slot, ready_application

pytestmark = pytest.mark.django_db(transaction=True)


def at_once(calls) -> Counter:
    start = threading.Barrier(len(calls))

    def run(call):
        try:
            start.wait()
            call()
            return "ok"
        except DomainError as exc:
            return exc.code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return Counter(pool.map(run, calls))


@pytest.fixture
def opening():
    office = make_office(code="draw-rush")
    slot = make_slot(office, days_ahead=3, capacity=3, priority_capacity=0, start=time(8), end=time(10))
    release = releases.release_open(office=office, day=slot.date, opens_at=timezone.now() - timedelta(minutes=1))
    return release, slot


def entering(application, slot):
    return lambda: draws.draw_enter(
        application=application, actor=application.owner, office=slot.office, day=slot.date, session_ids=[slot.pk]
    )


def test_the_same_person_entering_twenty_times_at_once_has_one_entry(opening):
    release, slot = opening
    application = ready_application()
    outcomes = at_once([entering(application, slot) for _ in range(20)])
    assert DrawEntry.objects.filter(application=application).count() == 1, outcomes
    assert outcomes == Counter(ok=20)  # a double tap is the same entry, not a refusal


def test_two_accounts_entering_one_nik_at_once_get_one_entry(opening):
    release, slot = opening
    first = ready_application()
    second = ready_application(nik=first.nik)
    outcomes = at_once([entering(first, slot), entering(second, slot)])
    assert DrawEntry.objects.filter(nik=first.nik).count() == 1
    assert outcomes == Counter(ok=1, draw_entry_exists=1)


def test_entries_racing_the_close_are_either_in_the_draw_or_refused(opening):
    release, slot = opening
    applications = [ready_application() for _ in range(16)]
    calls = [entering(a, slot) for a in applications]
    calls.append(lambda: draws.release_allocate(release=release, close_now=True))
    outcomes = at_once(calls)
    assert set(outcomes) <= {"ok", "draw_closed"}, outcomes
    release.refresh_from_db()
    assert release.is_drawn
    assert not DrawEntry.objects.filter(status=EntryStatus.ENTERED).exists()  # none slipped in after the draw read
    in_draw = DrawEntry.objects.filter(status__in=(EntryStatus.WON, EntryStatus.NOT_DRAWN)).count()
    assert in_draw == release.entries_drawn == outcomes["ok"] - 1
    assert Booking.objects.filter(slot=slot).count() == min(3, release.entries_drawn)
