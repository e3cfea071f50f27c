"""On the day: check-in, queue numbers, calling, the public board, no-shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from appointments import services as appointments
from queueing import services
from queueing.models import Booking, QueueTicket
from tests.factories import StaffFactory, make_nik, make_office, make_slot, paid_booking_today, ready_application
from tests.helpers import domain_error, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def officer():
    return StaffFactory(role="customer_service")


def test_checking_in_a_paid_booking_gives_a_queue_number(office, officer):
    booking = paid_booking_today(office)
    ticket = services.booking_check_in(code=booking.code.lower(), office=office, actor=officer)
    assert ticket.number == "A001" and not ticket.priority
    booking.refresh_from_db()
    assert booking.status == "checked_in" and booking.application.status == "checked_in"
    assert services.booking_check_in(code=booking.code, office=office, actor=officer) == ticket  # scanned twice


def test_priority_applicants_get_p_numbers_and_are_called_first(office, officer):
    from datetime import date

    regular = paid_booking_today(office)
    elderly = paid_booking_today(office, date_of_birth=date(1950, 1, 1), nik=make_nik(date(1950, 1, 1), serial=3))
    services.booking_check_in(code=regular.code, office=office, actor=officer)
    services.booking_check_in(code=elderly.code, office=office, actor=officer)
    first = services.queue_call_next(office=office, counter="3", actor=officer)
    second = services.queue_call_next(office=office, counter="4", actor=officer)
    assert (first.number, first.counter, second.number) == ("P001", "3", "A001")
    assert services.queue_call_next(office=office, counter="3", actor=officer) is None


def test_an_unpaid_booking_cannot_check_in(office, officer):
    application = ready_application()
    booking = appointments.booking_create(application=application, slot=make_slot(office), actor=application.owner)
    with domain_error("not_paid"):
        services.booking_check_in(code=booking.code, office=office, actor=officer)


def test_a_booking_for_another_office_or_day_is_refused(office, officer):
    booking = paid_booking_today(office)
    with domain_error("wrong_office"):
        services.booking_check_in(code=booking.code, office=make_office(code="batam"), actor=officer)
    Booking.objects.filter(pk=booking.pk).update(slot=make_slot(office, days_ahead=3))
    with domain_error("wrong_day"):
        services.booking_check_in(code=booking.code, office=office, actor=officer)


def test_an_applicant_cannot_check_themselves_in(office):
    booking = paid_booking_today(office)
    with domain_error("permission_denied"):
        services.booking_check_in(code=booking.code, office=office, actor=booking.application.owner)


def test_no_shows_are_marked_after_the_session_and_the_fee_is_forfeited(office):
    booking = paid_booking_today(office)
    assert services.bookings_mark_no_shows(now=booking.slot.ends_at - timedelta(minutes=1)) == 0
    assert services.bookings_mark_no_shows(now=booking.slot.ends_at + timedelta(minutes=1)) == 1
    booking.refresh_from_db()
    assert booking.status == "no_show" and booking.application.status == "cancelled"
    assert services.bookings_mark_no_shows(now=timezone.now() + timedelta(days=1)) == 0


def test_the_desk_checks_in_and_calls_and_the_board_shows_the_number(client, office, officer):
    booking = paid_booking_today(office)
    sign_in(client, officer)
    client.post(
        f"/office/queue/?office={office.code}", {"action": "check_in", "code": booking.code, "office": office.code}
    )
    client.post(f"/office/queue/?office={office.code}", {"action": "call", "counter": "2", "office": office.code})
    assert QueueTicket.objects.get().counter == "2"
    board = client.get(f"/board/{office.code}/").content.decode()
    assert "A001" in board and 'http-equiv="refresh"' in board


def test_applicants_cannot_open_the_desk(client, office):
    sign_in(client, ready_application().owner)
    assert client.get("/office/queue/").status_code == 403
