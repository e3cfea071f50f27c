"""The draw made and a freed place offered by a real Celery worker and beat over Redis."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from appointments import draws
from appointments import services as appointments
from queueing import releases
from queueing.models import DrawEntry, EntryStatus, QuotaRelease
from tests.factories import make_office, make_slot, ready_application
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_beat_makes_the_draw_after_the_close_and_the_worker_offers_a_freed_place(celery_worker):
    office = make_office(code="draw-beat")
    slot = make_slot(office, days_ahead=3, capacity=1, priority_capacity=0, start=time(8), end=time(10))
    release = releases.release_open(office=office, day=slot.date, opens_at=timezone.now() - timedelta(minutes=1))
    applications = [ready_application() for _ in range(3)]
    for application in applications:
        draws.draw_enter(
            application=application, actor=application.owner, office=office, day=slot.date, session_ids=[slot.pk]
        )
    QuotaRelease.objects.filter(pk=release.pk).update(closes_at=timezone.now())

    drawn = wait_for(lambda: QuotaRelease.objects.get(pk=release.pk).drawn_at is not None, timeout=60)
    assert drawn, "beat did not make the draw:\n" + "".join(celery_worker[-30:])
    winner = DrawEntry.objects.select_related("booking", "application").get(status=EntryStatus.WON)
    waiting = DrawEntry.objects.filter(status=EntryStatus.NOT_DRAWN).select_related("application")
    for entry in waiting:
        draws.waitlist_join(application=entry.application, actor=entry.application.owner)

    appointments.booking_cancel(booking=winner.booking, actor=winner.application.owner)
    offered = wait_for(lambda: DrawEntry.objects.filter(status=EntryStatus.OFFERED).count() == 1, timeout=60)
    assert offered, "the worker did not offer the freed place:\n" + "".join(celery_worker[-30:])
    assert DrawEntry.objects.get(status=EntryStatus.OFFERED).offered_slot_id == slot.pk
