"""Browser sessions end after a while idle and after a fixed time: staff sooner than applicants."""

import time

import pytest

from core.middleware import SessionTimeoutMiddleware as Timeout
from tests.factories import StaffFactory, UserFactory
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def age(client, *, idle: int, started: int | None = None) -> None:
    """Pretend the session was last used `idle` seconds ago (and began `started` seconds ago)."""
    client.get("/")  # the first signed-in request stamps the session
    session = client.session
    now = int(time.time())
    session[Timeout.SEEN] = now - idle
    session[Timeout.STARTED] = now - (started if started is not None else idle)
    session.save()


def test_staff_are_signed_out_after_fifteen_idle_minutes(client):
    officer = StaffFactory(email="cs@office.go.id", role="customer_service")
    sign_in(client, officer)
    age(client, idle=14 * 60)
    assert client.get("/admin/").status_code == 200
    age(client, idle=16 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client.get("/admin/").status_code == 302  # signed out for good, not only once


def test_staff_are_signed_out_after_a_working_day_even_when_busy(client):
    officer = StaffFactory(email="cs@office.go.id", role="customer_service")
    sign_in(client, officer)
    age(client, idle=30, started=9 * 3600 + 60)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_applicants_keep_their_session_through_a_long_form_and_lose_it_after_two_idle_hours(client):
    user = UserFactory()
    sign_in(client, user)
    age(client, idle=90 * 60)
    assert client.get("/dashboard/").status_code == 200
    age(client, idle=2 * 3600 + 60)
    response = client.get("/dashboard/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert list(response.context["messages"])  # told why, not silently dropped


def test_activity_keeps_a_session_alive_and_is_recorded_at_most_once_a_minute(client):
    officer = StaffFactory(email="cs@office.go.id", role="customer_service")
    sign_in(client, officer)
    age(client, idle=10 * 60)
    client.get("/admin/")
    seen = client.session[Timeout.SEEN]
    assert int(time.time()) - seen < 5  # this request counted as activity
    client.get("/admin/")
    assert client.session[Timeout.SEEN] == seen
    age(client, idle=10 * 60)
    assert client.get("/admin/").status_code == 200


def test_a_short_idle_limit_is_tracked_finely_enough_that_activity_keeps_the_session(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 20  # a kiosk's setting: activity is recorded every 5 s
    officer = StaffFactory(email="cs@office.go.id", role="customer_service")
    sign_in(client, officer)
    for _ in range(3):  # a click every 12 s: never 20 s idle, so never signed out
        age(client, idle=12)
        assert client.get("/admin/").status_code == 200
        assert int(time.time()) - client.session[Timeout.SEEN] < 5
