"""The draw over the API, as the mobile app uses it, and the public record anyone can check."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from appointments import draws
from queueing import draw, releases
from queueing.models import Booking, DrawEntry, EntryStatus
from tests.conftest import bearer
from tests.factories import make_office, make_slot, ready_application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sessions():
    office = make_office(code="draw-api")
    return [make_slot(office, days_ahead=3, capacity=1, start=time(8 + 2 * i), end=time(10 + 2 * i)) for i in range(3)]


@pytest.fixture
def release(sessions):
    office = sessions[0].office
    return releases.release_open(office=office, day=sessions[0].date, opens_at=timezone.now() - timedelta(minutes=1))


def entry_url(application):
    return f"/api/v1/applications/{application.pk}/draw-entry/"


def body(sessions, **extra):
    return {"office": "draw-api", "date": sessions[0].date.isoformat(), "sessions": [s.pk for s in sessions], **extra}


def test_enter_change_see_and_withdraw(release, sessions):
    application = ready_application()
    api = bearer(application.owner)
    created = api.put(entry_url(application), body(sessions), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "entered" and created.json()["draw"]["seed"] is None
    assert created.json()["draw"]["commitment"] == release.commitment
    changed = api.put(entry_url(application), body(sessions[:1]), format="json")
    assert changed.status_code == 200 and changed.json()["code"] == created.json()["code"]
    assert api.get(entry_url(application)).json()["sessions"] == [sessions[0].pk]
    assert api.delete(entry_url(application)).status_code == 204
    assert not DrawEntry.objects.exists()
    assert api.get(entry_url(application)).status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"sessions": []},
        {"sessions": [1, 2, 3, 4]},
        {"sessions": ["x"]},
        {"sessions": [2**62]},
        {"date": "2026-13-40"},
        {"office": "no-such-office"},
        {"office": "../../etc"},
        {"priority": "maybe"},
    ],
)
def test_bad_input_is_a_clear_400_and_enters_nothing(release, sessions, change):
    application = ready_application()
    answer = bearer(application.owner).put(entry_url(application), {**body(sessions), **change}, format="json")
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] in ("invalid", "validation_error")
    assert not DrawEntry.objects.exists()


def test_the_booking_api_refuses_a_draw_day_and_the_availability_says_draw(release, sessions):
    application = ready_application()
    api = bearer(application.owner)
    answer = api.post(f"/api/v1/applications/{application.pk}/booking/", {"session": sessions[0].pk}, format="json")
    assert answer.status_code == 409 and answer.json()["code"] == "draw_open"
    availability = APIClient().get("/api/v1/offices/draw-api/availability/").json()
    day = next(d for d in availability["dates"] if d["date"] == sessions[0].date.isoformat())
    assert day["opening"] == "draw"
    assert not Booking.objects.exists()


def test_the_public_record_lets_anyone_recompute_the_draw_and_check_an_entry(release, sessions):
    applications = [ready_application() for _ in range(5)]
    for application in applications:
        assert bearer(application.owner).put(entry_url(application), body(sessions), format="json").status_code == 201
    anon = APIClient()
    url = f"/api/v1/draws/draw-api/{release.date.isoformat()}/"
    before = anon.get(url).json()
    assert before["commitment"] == release.commitment and before["seed"] is None and before["entries"] == 5
    draws.release_allocate(release=release, close_now=True)

    after = anon.get(url).json()
    assert draw.seed_matches(after["seed"], after["commitment"])
    listed = anon.get(url + "entries/").json()
    entries = [draw.Entry(e["key"], tuple(e["choices"]), e["priority"]) for e in listed["entries"]]
    places = {key: draw.Places(*value) for key, value in after["places"].items()}
    recomputed = draw.allocate(after["seed"], entries, places)
    won = {e.code: str(e.won_slot_id) for e in DrawEntry.objects.filter(status=EntryStatus.WON)}
    assert recomputed == won and len(won) == 3

    loser = DrawEntry.objects.filter(status=EntryStatus.NOT_DRAWN).first()
    mine = anon.get(url, {"code": loser.code.lower()}).json()["result"]
    assert mine["status"] == "not_drawn" and mine["ticket"] == draw.ticket(after["seed"], loser.code)
    assert anon.get(url, {"code": "NOPE"}).json()["result"] is None
    assert anon.get("/api/v1/draws/draw-api/not-a-date/").status_code == 404
    assert anon.get("/api/v1/draws/nowhere/2026-01-01/").status_code == 404


def test_not_drawn_joins_the_waitlist_and_takes_a_freed_place(release, sessions, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    applications = [ready_application() for _ in range(4)]
    for application in applications:
        bearer(application.owner).put(entry_url(application), body(sessions), format="json")
    draws.release_allocate(release=release, close_now=True)
    loser = DrawEntry.objects.get(status=EntryStatus.NOT_DRAWN).application
    api = bearer(loser.owner)
    other = make_slot(sessions[0].office, days_ahead=5, capacity=3)  # an ordinary day with places
    alternatives = api.get(entry_url(loser)).json()["alternatives"]
    assert other.pk in [a["id"] for a in alternatives]
    waitlist = f"/api/v1/applications/{loser.pk}/waitlist/"
    assert api.put(waitlist).json()["status"] == "waitlisted"
    assert api.post(waitlist + "accept/").status_code == 404  # nothing offered yet
    winner = DrawEntry.objects.filter(status=EntryStatus.WON).first().application
    assert bearer(winner.owner).delete(f"/api/v1/applications/{winner.pk}/booking/").status_code == 204
    offered = api.get(entry_url(loser)).json()
    assert offered["status"] == "offered" and offered["offered_session"] is not None
    taken = api.post(waitlist + "accept/")
    assert taken.status_code == 201 and taken.json()["status"] == "held"
    assert taken.json()["bill"]["code"]
