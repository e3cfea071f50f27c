"""Days at the ends of the calendar, typed into the draw's pages and API: a clear answer, never a 500."""

import pytest
from django.test import Client

from queueing.models import DrawEntry, QuotaRelease
from tests.conftest import bearer
from tests.factories import make_office, make_slot, ready_application

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-31", "9999-12-31", "2026-02-30"])
def test_a_day_at_the_ends_of_the_calendar_is_refused_cleanly_everywhere(day):
    office = make_office(code="far-days")
    slot = make_slot(office)
    application = ready_application()
    body = {"office": office.code, "date": day, "sessions": [slot.pk]}
    answer = bearer(application.owner).put(f"/api/v1/applications/{application.pk}/draw-entry/", body, format="json")
    assert answer.status_code in (400, 409), answer.content
    browser = Client()
    browser.force_login(application.owner)
    assert browser.get(f"/applications/{application.pk}/draw/?office={office.code}&date={day}").status_code < 500
    form = {"office": office.code, "date": day, "choice1": slot.pk}
    assert browser.post(f"/applications/{application.pk}/draw/", form).status_code in (400, 404, 409)
    assert Client().get(f"/draw/{office.code}/{day}/").status_code == 404
    assert Client().get(f"/api/v1/draws/{office.code}/{day}/").status_code == 404
    assert not DrawEntry.objects.exists() and not QuotaRelease.objects.exists()
