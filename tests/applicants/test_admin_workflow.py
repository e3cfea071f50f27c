import pytest

from casework.roles import AUDITOR, CUSTOMER_SERVICE, VERIFIER
from tests.factories import StaffFactory, make_office, paid_booking_today
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def booking():
    return paid_booking_today(make_office())


def page(client, booking):
    return client.get(f"/admin/applicants/application/{booking.application.pk}/change/")


def post(client, booking, move, data=None):
    return client.post(f"/admin/applicants/application/{booking.application.pk}/workflow/{move}/", data or {})


def test_the_auditor_reads_everything_and_changes_nothing(client, booking):
    sign_in(client, StaffFactory(role=AUDITOR))
    response = page(client, booking)
    assert response.status_code == 200 and response.context["moves"] == []
    post(client, booking, "check_in")
    booking.application.refresh_from_db()
    assert booking.application.status == "paid"
    assert client.get("/admin/core/auditentry/").status_code == 200


def test_each_role_sees_only_its_own_buttons(client, booking):
    sign_in(client, StaffFactory(role=CUSTOMER_SERVICE))
    assert [m["name"] for m in page(client, booking).context["moves"]] == ["check_in"]
    sign_in(client, StaffFactory(role=VERIFIER))
    assert page(client, booking).context["moves"] == []


def test_an_illegal_step_posted_by_hand_is_refused_with_a_message(client, booking):
    sign_in(client, StaffFactory(role=VERIFIER))
    response = post(
        client,
        booking,
        "interview",
        {"interview-photo_taken": "on", "interview-fingerprints_taken": "on", "interview-recommendation": "approve"},
    )
    assert response.status_code == 302
    booking.application.refresh_from_db()
    assert booking.application.status == "paid"


def test_an_unknown_step_is_forbidden(client, booking):
    sign_in(client, StaffFactory(is_superuser=True))
    assert post(client, booking, "teleport").status_code == 403
