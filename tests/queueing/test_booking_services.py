import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError
from django.utils import timezone

from appointments import services as appointments
from core.models import AuditEntry
from queueing import selectors, services
from queueing.models import Booking, Closure
from tests.factories import StaffFactory, make_nik, make_office, make_slot, ready_application
from tests.helpers import committed, domain_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def slot(office):
    return make_slot(office, capacity=2, priority_capacity=1)


def book(application, slot, **kwargs):
    return committed(appointments.booking_create, application=application, slot=slot, actor=application.owner, **kwargs)


def remaining(slot):
    day = next(d for d in selectors.availability(slot.office) if d["date"] == slot.date.isoformat())
    session = next(s for s in day["sessions"] if s["id"] == slot.pk)
    return session["remaining"], session["priority_remaining"]


def test_booking_holds_a_place_and_issues_a_bill_with_a_deadline(slot, settings):
    application = ready_application()
    booking = book(application, slot)
    application.refresh_from_db()
    assert application.status == "booked" and booking.status == "held"
    assert len(booking.bill.code) == 15 and booking.bill.code.isdigit()
    assert booking.bill.amount == 650_000  # ordinary, 10 years
    assert booking.hold_until == booking.bill.expires_at
    assert abs((booking.bill.expires_at - timezone.now()).total_seconds() - settings.BILL_TTL_SECONDS) < 5
    assert remaining(slot) == (1, 1)


def test_a_full_session_refuses_with_slot_full_and_changes_nothing(slot):
    book(ready_application(), slot)
    book(ready_application(), slot)
    late = ready_application()
    with domain_error("slot_full"):
        book(late, slot)
    late.refresh_from_db()
    assert late.status == "submitted" and not late.bookings.exists() and not late.bills.exists()


def test_one_person_cannot_hold_two_bookings_even_from_two_accounts(slot, office):
    nik = make_nik(date(1990, 8, 17), serial=77)
    book(ready_application(nik=nik), slot)
    other_account = ready_application(nik=nik)
    with domain_error("nik_already_booked"):
        book(other_account, make_slot(office, days_ahead=3))


def test_the_database_itself_refuses_a_second_active_booking_for_a_nik(slot):
    first = book(ready_application(), slot)
    with pytest.raises(IntegrityError):
        Booking.objects.create(application=ready_application(), slot=slot, nik=first.nik, status="held")


def test_an_unpaid_hold_stops_counting_the_moment_its_deadline_passes(slot, settings):
    settings.BILL_TTL_SECONDS = 1
    book(ready_application(), slot)
    book(ready_application(), slot)
    with domain_error("slot_full"):
        book(ready_application(), slot)
    clock.sleep(1.2)
    settings.BILL_TTL_SECONDS = 7200
    assert remaining(slot)[0] == 2  # no sweeper has run
    assert book(ready_application(), slot).status == "held"


def test_a_stale_hold_of_the_same_person_does_not_block_a_new_booking(slot, office):
    nik = make_nik(date(1990, 8, 17), serial=78)
    old = book(ready_application(nik=nik), slot)
    Booking.objects.filter(pk=old.pk).update(hold_until=timezone.now() - timedelta(seconds=1))
    assert book(ready_application(nik=nik), make_slot(office, days_ahead=3)).status == "held"
    old.refresh_from_db()
    assert old.status == "expired" and old.bill.status == "expired"


def test_the_sweeper_expires_due_holds_once_and_tells_the_application(slot):
    booking = book(ready_application(), slot)
    Booking.objects.filter(pk=booking.pk).update(hold_until=timezone.now() - timedelta(seconds=1))
    assert appointments.bookings_expire_due() == 1
    assert appointments.bookings_expire_due() == 0
    booking.refresh_from_db()
    assert booking.status == "expired" and booking.application.status == "expired"
    assert AuditEntry.objects.filter(application_id=booking.application.pk, action="expire").count() == 1


def test_cancelling_returns_the_place_at_once(slot):
    application = ready_application()
    booking = book(application, slot)
    book(ready_application(), slot)
    assert remaining(slot)[0] == 0
    committed(appointments.booking_cancel, booking=booking, actor=application.owner)
    assert remaining(slot)[0] == 1
    booking.refresh_from_db()
    application.refresh_from_db()
    assert booking.status == "cancelled" and booking.bill.status == "cancelled"
    assert application.status == "submitted"


def test_rescheduling_moves_the_place_atomically_once(slot, office):
    application = ready_application()
    booking = book(application, slot)
    later = make_slot(office, days_ahead=4)
    moved = committed(services.booking_reschedule, booking=booking, slot=later, actor=application.owner)
    booking.refresh_from_db()
    assert booking.status == "moved" and moved.slot == later and moved.bill == booking.bill
    assert remaining(slot)[0] == 2 and remaining(later)[0] == 4
    with domain_error("reschedule_limit"):
        services.booking_reschedule(booking=moved, slot=make_slot(office, days_ahead=5), actor=application.owner)


def test_rescheduling_into_a_full_session_keeps_the_old_place(slot, office):
    application = ready_application()
    booking = book(application, slot)
    full = make_slot(office, days_ahead=4, capacity=1)
    book(ready_application(), full)
    with domain_error("slot_full"):
        services.booking_reschedule(booking=booking, slot=full, actor=application.owner)
    booking.refresh_from_db()
    assert booking.status == "held" and Booking.objects.filter(application=application).count() == 1


def test_rescheduling_on_the_day_itself_is_too_late(office):
    application = ready_application()
    booking = book(application, make_slot(office, days_ahead=1))
    Booking.objects.filter(pk=booking.pk).update(slot=make_slot(office, days_ahead=0, start=time(13), end=time(15)))
    booking.refresh_from_db()
    with domain_error("reschedule_too_late"):
        services.booking_reschedule(booking=booking, slot=make_slot(office, days_ahead=3), actor=application.owner)


def test_staff_grant_a_special_reschedule_with_a_reason(slot, office):
    application = ready_application()
    booking = book(application, slot)
    moved = services.booking_reschedule(booking=booking, slot=make_slot(office, days_ahead=3), actor=application.owner)
    officer = StaffFactory(role="customer_service")
    again = services.booking_reschedule(
        booking=moved, slot=make_slot(office, days_ahead=5), actor=officer, special_reason="Gangguan sistem 1 Februari"
    )
    assert again.status == "held"
    entry = AuditEntry.objects.get(application_id=application.pk, action="special_reschedule")
    assert entry.reason == "Gangguan sistem 1 Februari" and entry.actor == officer
    with domain_error("permission_denied"):
        services.booking_reschedule(
            booking=again, slot=make_slot(office, days_ahead=6), actor=application.owner, special_reason="saya mau"
        )


def test_the_priority_lane_is_only_for_eligible_applicants(slot):
    with domain_error("not_priority_eligible"):
        book(ready_application(), slot, priority=True)
    elderly = ready_application(date_of_birth=date(1950, 3, 1), nik=make_nik(date(1950, 3, 1), serial=9))
    assert book(elderly, slot, priority=True).lane == "priority"
    assert remaining(slot) == (2, 0)


def test_an_eligible_person_may_take_a_regular_place_when_the_priority_lane_is_full(office):
    slot = make_slot(office, capacity=1, priority_capacity=0)
    pregnant = ready_application(
        sex="female", nik=make_nik(date(1990, 8, 17), female=True, serial=5), priority_reason="pregnant"
    )
    assert book(pregnant, slot, priority=True).lane == "regular"


def test_a_regular_applicant_cannot_use_priority_places(office):
    slot = make_slot(office, capacity=1, priority_capacity=5)
    book(ready_application(), slot)
    with domain_error("slot_full"):
        book(ready_application(), slot)


def test_only_a_submitted_application_can_be_booked(slot):
    draft = ready_application(status="draft")
    with domain_error("illegal_transition"):
        book(draft, slot)


def test_an_office_without_e_passport_blanks_refuses_an_e_passport_booking():
    office = make_office(code="jkt-barat", issues_electronic=False)
    with domain_error("office_does_not_serve"):
        book(ready_application(passport_type="electronic"), make_slot(office))


def test_a_holiday_cannot_be_booked_and_shows_as_closed(slot, office):
    Closure.objects.create(office=None, date=slot.date, reason="Hari Raya Natal")
    with domain_error("slot_not_bookable"):
        book(ready_application(), slot)
    day = next(d for d in selectors.availability(office) if d["date"] == slot.date.isoformat())
    assert day["open"] is False and day["closed_reason"] == "Hari Raya Natal" and day["sessions"] == []


def test_a_day_beyond_the_released_horizon_cannot_be_booked(office):
    far = make_slot(office, days_ahead=office.booking_horizon_days + 1)
    with domain_error("slot_not_bookable"):
        book(ready_application(), far)


def test_a_wit_office_counts_days_by_papua_time():
    jayapura = make_office(code="jayapura", tz="Asia/Jayapura")
    jakarta = make_office(code="jkt", tz="Asia/Jakarta")
    # 16:30 UTC is 01:30 the next day in Jayapura but still 23:30 in Jakarta.
    moment = datetime(2026, 12, 1, 16, 30, tzinfo=UTC)
    assert selectors.bookable_window(jayapura, moment)[0] == date(2026, 12, 3)
    assert selectors.bookable_window(jakarta, moment)[0] == date(2026, 12, 2)


def test_a_wit_session_is_shown_with_its_own_offset():
    jayapura = make_office(code="jayapura", tz="Asia/Jayapura")
    slot = make_slot(jayapura)
    session = next(d for d in selectors.availability(jayapura) if d["date"] == slot.date.isoformat())["sessions"][0]
    assert session["start"].endswith("T08:00:00+09:00")


def test_the_next_day_opens_at_the_quota_release_time(office):
    release = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta"))
    before, after = release - timedelta(minutes=1), release + timedelta(minutes=1)
    assert selectors.bookable_window(office, after)[1] - selectors.bookable_window(office, before)[1] == timedelta(
        days=1
    )


def test_a_booked_person_cannot_be_swapped_for_someone_else(slot):
    from applicants import services as application_services

    application = ready_application()
    book(application, slot)
    with domain_error("identity_locked"):
        application_services.application_update(
            application=application, actor=application.owner, data={"full_name": "Orang Lain"}
        )


def test_lowering_a_quota_below_the_places_taken_is_refused(slot):
    book(ready_application(), slot)
    officer = StaffFactory(is_superuser=True)
    with domain_error("capacity_below_bookings"):
        services.slot_set_capacity(slot=slot, capacity=0, priority_capacity=1, actor=officer)
    committed(services.slot_set_capacity, slot=slot, capacity=5, priority_capacity=1, actor=officer)
    assert remaining(slot)[0] == 4


def pregnant_applicant():
    return ready_application(
        sex="female", nik=make_nik(date(1990, 8, 17), female=True, serial=7), priority_reason="pregnant"
    )


def test_withdrawing_the_priority_reason_moves_the_place_to_the_regular_lane(slot):
    from applicants import services as application_services

    application = pregnant_applicant()
    booking = book(application, slot, priority=True)
    assert booking.lane == "priority" and remaining(slot) == (2, 0)

    committed(
        application_services.application_update,
        application=application,
        actor=application.owner,
        data={"priority_reason": ""},
    )

    booking.refresh_from_db()
    assert booking.lane == "regular"
    assert remaining(slot) == (1, 1)
    assert AuditEntry.objects.filter(application_id=application.pk).filter(action="lane_changed").exists()


def test_withdrawing_the_priority_reason_is_refused_while_the_regular_lane_is_full(office):
    from applicants import services as application_services

    slot = make_slot(office, capacity=1, priority_capacity=1)
    book(ready_application(), slot)
    application = pregnant_applicant()
    booking = book(application, slot, priority=True)

    with domain_error("priority_place_held"):
        application_services.application_update(
            application=application, actor=application.owner, data={"priority_reason": ""}
        )

    application.refresh_from_db()
    booking.refresh_from_db()
    assert application.priority_reason == "pregnant" and booking.lane == "priority"
    assert remaining(slot) == (0, 0)


def test_retyping_the_booked_nik_in_another_form_is_not_a_change(slot):
    from applicants import services as application_services

    application = ready_application()
    book(application, slot)
    spaced = " ".join(application.nik[i : i + 4] for i in range(0, 16, 4))
    full_width = application.nik.translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    for typed in (spaced, full_width):
        application_services.application_update(
            application=application, actor=application.owner, data={"nik": typed, "occupation": "Guru"}
        )
    application.refresh_from_db()
    assert application.occupation == "Guru"
