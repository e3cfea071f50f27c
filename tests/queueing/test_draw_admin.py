"""Staff see every draw, its entries and waitlist in the admin, and cannot change a result."""

from datetime import time, timedelta

import pytest
from django.utils import timezone

from appointments import draws
from casework.roles import CUSTOMER_SERVICE, SUPERVISOR
from queueing import releases
from queueing.models import DrawEntry, EntryStatus
from tests.factories import StaffFactory, make_office, make_slot, ready_application
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def drawn():
    office = make_office(code="draw-adm")
    slot = make_slot(office, days_ahead=3, capacity=1, start=time(8), end=time(10))
    release = releases.release_open(office=office, day=slot.date, opens_at=timezone.now() - timedelta(minutes=1))
    for _ in range(3):
        application = ready_application()
        draws.draw_enter(
            application=application, actor=application.owner, office=office, day=slot.date, session_ids=[slot.pk]
        )
    return release


def test_customer_service_sees_the_draw_and_its_entries_but_changes_nothing(client, drawn):
    draws.release_allocate(release=drawn, close_now=True)
    sign_in(client, StaffFactory(role=CUSTOMER_SERVICE))
    listing = client.get("/admin/queueing/quotarelease/")
    assert listing.status_code == 200 and b"draw-adm" in listing.content
    page = client.get(f"/admin/queueing/quotarelease/{drawn.pk}/change/")
    assert page.status_code == 200 and drawn.seed.encode() in page.content
    assert b'name="_save"' not in page.content  # view only
    entry = DrawEntry.objects.get(status=EntryStatus.WON)
    assert client.get(f"/admin/queueing/drawentry/{entry.pk}/change/").status_code == 200
    before = list(DrawEntry.objects.values_list("pk", "status", "won_slot_id"))
    client.post(f"/admin/queueing/drawentry/{entry.pk}/change/", {"status": "not_drawn"})
    client.post(f"/admin/queueing/drawentry/{entry.pk}/delete/", {"post": "yes"})
    assert list(DrawEntry.objects.values_list("pk", "status", "won_slot_id")) == before


def test_a_supervisor_makes_a_closed_draw_but_not_an_open_one(client, drawn):
    sign_in(client, StaffFactory(role=SUPERVISOR))
    action = {"action": "make_draw", "_selected_action": [drawn.pk]}
    client.post("/admin/queueing/quotarelease/", action)
    drawn.refresh_from_db()
    assert not drawn.is_drawn  # the window is still open
    drawn.closes_at = timezone.now()
    drawn.save()
    client.post("/admin/queueing/quotarelease/", action)
    drawn.refresh_from_db()
    assert drawn.is_drawn and DrawEntry.objects.filter(status=EntryStatus.WON).count() == 1
