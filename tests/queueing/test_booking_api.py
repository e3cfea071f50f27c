from datetime import date

import pytest

from queueing.models import Booking, Closure
from tests.conftest import bearer
from tests.factories import make_nik, make_office, make_slot, ready_application
from tests.helpers import committed

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office(code="jkt-priok")


@pytest.fixture
def slot(office):
    return make_slot(office, capacity=2, priority_capacity=1)


@pytest.fixture
def application():
    return ready_application()


@pytest.fixture
def client_for(application):
    return bearer(application.owner)


def booking_url(application):
    return f"/api/v1/applications/{application.pk}/booking/"


def session_of(anon, office, slot):
    body = anon.get(f"/api/v1/offices/{office.code}/availability/").json()
    day = next(d for d in body["dates"] if d["date"] == slot.date.isoformat())
    return next(s for s in day["sessions"] if s["id"] == slot.pk)


def test_offices_are_listed_with_their_time_zone_and_services(anon, office):
    make_office(code="jayapura", tz="Asia/Jayapura", issues_electronic=False)
    offices = {o["code"]: o for o in anon.get("/api/v1/offices/").json()}
    assert offices["jayapura"]["zone"] == "WIT" and offices["jayapura"]["services"] == ["ordinary", "same_day"]
    assert "electronic" in offices["jkt-priok"]["services"]
    electronic = [o["code"] for o in anon.get("/api/v1/offices/?passport_type=electronic").json()]
    assert electronic == ["jkt-priok"]


def test_availability_lists_each_date_and_session_with_places_left(anon, office, slot):
    body = anon.get(f"/api/v1/offices/{office.code}/availability/").json()
    assert body["office"]["code"] == "jkt-priok" and body["office"]["zone"] == "WIB"
    session = session_of(anon, office, slot)
    assert session == {
        "id": slot.pk,
        "start": f"{slot.date}T08:00:00+07:00",
        "end": f"{slot.date}T10:00:00+07:00",
        "capacity": 2,
        "remaining": 2,
        "priority_capacity": 1,
        "priority_remaining": 1,
    }


def test_availability_can_be_limited_to_a_range_of_dates(anon, office, slot):
    body = anon.get(f"/api/v1/offices/{office.code}/availability/", {"from": slot.date, "to": slot.date}).json()
    assert [d["date"] for d in body["dates"]] == [slot.date.isoformat()]


@pytest.mark.parametrize(
    "query", [{"from": "tomorrow"}, {"from": "2026-13-45"}, {"from": "2026-12-10", "to": "2026-12-01"}]
)
def test_a_bad_date_range_is_a_400(anon, office, query):
    response = anon.get(f"/api/v1/offices/{office.code}/availability/", query)
    assert response.status_code == 400 and response.json()["code"] == "invalid"


def test_an_unknown_office_is_a_404(anon):
    assert anon.get("/api/v1/offices/atlantis/availability/").status_code == 404


def test_booking_answers_201_with_the_booking_and_its_bill(client_for, application, slot, anon, office):
    response = committed(client_for.post, path=booking_url(application), data={"session": slot.pk}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "held" and body["session"]["id"] == slot.pk and body["office"]["code"] == "jkt-priok"
    assert len(body["bill"]["code"]) == 15 and body["bill"]["amount"] == 650_000 and body["bill"]["status"] == "unpaid"
    assert len(body["code"]) == 8
    assert session_of(anon, office, slot)["remaining"] == 1
    # The answer is the booking as anyone reads it afterwards, field for field (actions included).
    assert client_for.get(booking_url(application)).json() == body


def test_booking_a_full_session_is_409_slot_full(client_for, application, slot):
    for _ in range(2):
        other = ready_application()
        bearer(other.owner).post(booking_url(other), {"session": slot.pk}, format="json")
    response = client_for.post(booking_url(application), {"session": slot.pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "slot_full"
    assert not Booking.objects.filter(application=application).exists()


def test_the_same_idempotency_key_books_once(client_for, application, slot):
    first = client_for.post(booking_url(application), {"session": slot.pk}, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    again = client_for.post(booking_url(application), {"session": slot.pk}, format="json", HTTP_IDEMPOTENCY_KEY="b-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert Booking.objects.filter(application=application).count() == 1


def test_a_second_booking_for_the_same_application_is_refused(client_for, application, slot, office):
    client_for.post(booking_url(application), {"session": slot.pk}, format="json")
    response = client_for.post(booking_url(application), {"session": make_slot(office, days_ahead=3).pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "illegal_transition"


def test_booking_someone_elses_application_is_404(slot):
    theirs = ready_application()
    response = bearer(ready_application().owner).post(booking_url(theirs), {"session": slot.pk}, format="json")
    assert response.status_code == 404
    assert not Booking.objects.exists()


def test_an_unknown_session_is_a_400_naming_the_field(client_for, application):
    response = client_for.post(booking_url(application), {"session": 999999}, format="json")
    assert response.status_code == 400 and "session" in response.json()["fields"]


def test_put_reschedules_and_delete_cancels(client_for, application, slot, office, anon):
    client_for.post(booking_url(application), {"session": slot.pk}, format="json")
    later = make_slot(office, days_ahead=5)
    moved = committed(client_for.put, path=booking_url(application), data={"session": later.pk}, format="json")
    assert (
        moved.status_code == 200 and moved.json()["session"]["id"] == later.pk and moved.json()["reschedules_left"] == 0
    )
    assert session_of(anon, office, slot)["remaining"] == 2
    cancelled = committed(client_for.delete, path=booking_url(application))
    assert cancelled.status_code == 204
    assert session_of(anon, office, later)["remaining"] == later.capacity
    assert client_for.get(booking_url(application)).status_code == 404


def test_the_same_nik_from_another_account_cannot_book(slot, office):
    nik = make_nik(date(1991, 2, 3), serial=42)
    first, second = (
        ready_application(nik=nik, date_of_birth=date(1991, 2, 3)),
        ready_application(nik=nik, date_of_birth=date(1991, 2, 3)),
    )
    assert bearer(first.owner).post(booking_url(first), {"session": slot.pk}, format="json").status_code == 201
    response = bearer(second.owner).post(
        booking_url(second), {"session": make_slot(office, days_ahead=3).pk}, format="json"
    )
    assert response.status_code == 409 and response.json()["code"] == "nik_already_booked"


def test_booking_on_a_closed_day_is_refused(client_for, application, slot):
    Closure.objects.create(office=slot.office, date=slot.date, reason="Pemeliharaan gedung")
    response = client_for.post(booking_url(application), {"session": slot.pk}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "slot_not_bookable"


def test_booking_attempts_are_rate_limited_per_account(client_for, application, office, settings):
    settings.RATE_LIMITS = "booking_account=2/hour"
    slot = make_slot(office, capacity=0, priority_capacity=0)
    codes = [
        client_for.post(booking_url(application), {"session": slot.pk}, format="json").status_code for _ in range(3)
    ]
    assert codes == [409, 409, 429]


def test_the_app_can_preview_a_booking_before_taking_the_place():
    office = make_office(code="jayapura", tz="Asia/Jayapura")
    slot = make_slot(office)
    application = ready_application()
    api = bearer(application.owner)
    preview = api.get(f"/api/v1/applications/{application.pk}/booking/preview/", {"session": slot.pk})
    assert preview.status_code == 200
    body = preview.json()
    assert body["office"]["code"] == "jayapura" and body["moving"] is False
    assert body["amount"] == sum(line["amount"] for line in body["lines"]) > 0
    assert body["pay_before"].endswith("+09:00") and body["session"]["start"].endswith("+09:00")
    assert not application.bookings.exists()
    missing = api.get(f"/api/v1/applications/{application.pk}/booking/preview/", {"session": "x"})
    assert missing.status_code == 400 and "session" in missing.json()["fields"]
