import pytest

from queueing.models import Booking
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed

pytestmark = pytest.mark.django_db


def test_the_calendar_shows_free_sessions_and_booking_one_holds_it(client):
    office = make_office()
    slot = make_slot(office, capacity=3)
    application = ready_application()
    client.force_login(application.owner)
    page = client.get(f"/applications/{application.pk}/booking/?office={office.code}").content.decode()
    assert f'data-session="{slot.pk}"' in page
    response = committed(client.post, path=f"/applications/{application.pk}/booking/?office={office.code}",
                         data={"session": slot.pk})  # fmt: skip
    assert response.status_code == 302
    booking = Booking.objects.get(application=application)
    detail = client.get(f"/applications/{application.pk}/").content.decode()
    assert booking.code in detail


def test_a_fully_booked_office_suggests_nearby_offices_with_places(client):
    full = make_office(code="jkt-priok", latitude=-6.10, longitude=106.88)
    make_slot(full, capacity=0, priority_capacity=0)
    near = make_office(code="jkt-selatan", latitude=-6.25, longitude=106.83)
    far = make_office(code="jayapura", tz="Asia/Jayapura", latitude=-2.53, longitude=140.71)
    make_slot(near)
    make_slot(far)
    application = ready_application()
    client.force_login(application.owner)
    response = client.get(f"/applications/{application.pk}/booking/?office=jkt-priok")
    assert [alt["office"].code for alt in response.context["alternatives"]] == ["jkt-selatan", "jayapura"]


def test_cancelling_in_the_browser_releases_the_booking(client):
    office = make_office()
    application = ready_application()
    client.force_login(application.owner)
    committed(client.post, path=f"/applications/{application.pk}/booking/", data={"session": make_slot(office).pk})
    client.post(f"/applications/{application.pk}/booking/cancel/")
    assert Booking.objects.get(application=application).status == "cancelled"


def test_moving_an_appointment_in_the_browser_keeps_one_place(client):
    office = make_office()
    first, later = make_slot(office), make_slot(office, days_ahead=4)
    application = ready_application()
    client.force_login(application.owner)
    committed(client.post, path=f"/applications/{application.pk}/booking/", data={"session": first.pk})
    committed(client.post, path=f"/applications/{application.pk}/booking/", data={"session": later.pk})
    assert list(Booking.objects.filter(application=application).values_list("slot", "status").order_by("pk")) == [
        (first.pk, "moved"), (later.pk, "held"),
    ]  # fmt: skip
