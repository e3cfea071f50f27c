"""An account cannot sit on places: booking needs a confirmed e-mail, and unpaid holds are capped."""

import threading

import pytest
from django.db import connection

from appointments import payments as receiving
from appointments import services as appointments
from billing import simulator
from tests.conftest import bearer
from tests.factories import UserFactory, make_office, make_slot, ready_application
from tests.helpers import committed, domain_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def slot():
    return make_slot(make_office(), capacity=20, priority_capacity=0)


def book(application, slot):
    return committed(appointments.booking_create, application=application, slot=slot, actor=application.owner)


def test_an_account_whose_email_is_not_confirmed_cannot_book_by_default(slot):
    application = ready_application(owner=UserFactory(email_verified_at=None))
    response = bearer(application.owner).post(
        f"/api/v1/applications/{application.pk}/booking/", {"session": slot.pk}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "email_not_verified"
    assert not application.bookings.exists() and not application.bills.exists()


def test_a_family_account_holds_at_most_three_unpaid_places_at_once(slot):
    parent = UserFactory()
    first, *others = [ready_application(owner=parent) for _ in range(4)]
    held = [book(app, slot) for app in [first, *others[:2]]]
    with domain_error("too_many_unpaid_holds"):
        book(others[2], slot)
    assert not others[2].bookings.exists() and not others[2].bills.exists()
    notice = simulator.notification(billing_code=held[0].bill.code, amount=held[0].bill.amount)
    receiving.payment_record(**{**notice, "paid_at": held[0].bill.issued_at})
    assert book(others[2], slot).status == "held"  # a paid place is not a hold


def test_an_account_makes_a_limited_number_of_bookings_a_day_even_when_it_cancels_them(slot, settings):
    settings.MAX_HOLDS_PER_ACCOUNT_PER_DAY = 2
    application = ready_application()
    for _ in range(2):
        booking = book(application, slot)
        committed(appointments.booking_cancel, booking=booking, actor=application.owner)
    with domain_error("too_many_holds_today"):
        book(application, slot)


@pytest.mark.django_db(transaction=True)
def test_two_bookings_made_at_once_cannot_both_slip_under_the_cap(settings):
    settings.MAX_UNPAID_HOLDS_PER_ACCOUNT = 1
    slot = make_slot(make_office(), capacity=20, priority_capacity=0)
    parent = UserFactory()
    applications = [ready_application(owner=parent) for _ in range(2)]
    results, start = [], threading.Barrier(2)

    def attempt(application):
        start.wait()
        try:
            appointments.booking_create(application=application, slot=slot, actor=parent)
            results.append("held")
        except Exception as exc:  # noqa: BLE001 - the refusal is the point
            results.append(getattr(exc, "code", repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(app,)) for app in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["held", "too_many_unpaid_holds"]
