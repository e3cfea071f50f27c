"""Staff changes to the calendar and to bookings, through the services and the admin."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applicants import services as application_services
from applicants.models import Fee
from appointments import payments as receiving
from appointments import services as appointments
from billing import simulator
from queueing import hints, selectors, services
from queueing.models import Booking, Closure
from tests.factories import StaffFactory, make_office, make_slot, ready_application
from tests.helpers import committed, domain_error, sign_in

pytestmark = pytest.mark.django_db


def remaining(slot):
    day = next(d for d in selectors.availability(slot.office) if d["date"] == slot.date.isoformat())
    return next((s["remaining"] for s in day["sessions"] if s["id"] == slot.pk), None), day


def test_declaring_a_closure_closes_the_days_sessions_and_lists_the_bookings_to_move():
    office = make_office()
    slot = make_slot(office)
    booked = ready_application()
    booking = appointments.booking_create(application=booked, slot=slot, actor=booked.owner)
    to_move = committed(services.closure_declare, office=office, day=slot.date, reason="Banjir", actor=StaffFactory())
    assert to_move == [booking]
    _, day = remaining(slot)
    assert day["open"] is False and day["closed_reason"] == "Banjir"
    late = ready_application()
    with domain_error("slot_not_bookable"):
        appointments.booking_create(application=late, slot=slot, actor=late.owner)


def test_adding_a_closure_in_the_admin_closes_the_day(client):
    office = make_office()
    slot = make_slot(office)
    sign_in(client, StaffFactory(is_superuser=True))
    client.post(
        "/admin/queueing/closure/add/", {"office": office.pk, "date": slot.date.isoformat(), "reason": "Pemadaman"}
    )
    slot.refresh_from_db()
    assert not slot.is_open and Closure.objects.get().reason == "Pemadaman"


def test_a_supervisor_cancelling_a_paid_application_frees_its_place_at_once():
    office = make_office()
    slot = make_slot(office, capacity=1, priority_capacity=0)
    application = ready_application()
    booking = committed(appointments.booking_create, application=application, slot=slot, actor=application.owner)
    receiving.payment_record(
        **{
            **simulator.notification(billing_code=booking.bill.code, amount=booking.bill.amount),
            "paid_at": booking.bill.issued_at,
        }
    )
    assert hints.is_full(slot.pk, ["regular"])
    committed(
        appointments.application_cancel,
        application=application,
        actor=StaffFactory(role="supervisor"),
        reason="Permintaan pemohon",
    )
    application.refresh_from_db()
    assert application.status == "cancelled" and Booking.objects.get(pk=booking.pk).status == "cancelled"
    assert not hints.is_full(slot.pk, ["regular"])
    assert remaining(slot)[0] == 1


def test_an_applicant_withdrawing_before_paying_cancels_the_bill_too():
    slot = make_slot(make_office())
    application = ready_application()
    booking = appointments.booking_create(application=application, slot=slot, actor=application.owner)
    appointments.application_cancel(application=application, actor=application.owner)
    booking.bill.refresh_from_db()
    application.refresh_from_db()
    assert application.status == "cancelled" and booking.bill.status == "cancelled"


def test_a_new_price_starts_in_the_future_and_bills_issued_after_it_use_it():

    staff = StaffFactory(is_superuser=True)
    with domain_error("fee_in_the_past"):
        application_services.fee_add(
            product="ordinary_10", amount=700_000, effective_from=timezone.now() - timedelta(days=1), actor=staff
        )
    start = timezone.now() + timedelta(hours=1)
    application_services.fee_add(
        product="ordinary_10", amount=700_000, effective_from=start, actor=staff, legal_basis="PP baru"
    )
    from applicants.fees import fees_in_force

    assert fees_in_force()["ordinary_10"].amount == 650_000
    assert fees_in_force(start + timedelta(seconds=1))["ordinary_10"].amount == 700_000


def test_a_price_already_in_force_is_read_only_in_the_admin(client):
    sign_in(client, StaffFactory(is_superuser=True))
    fee = Fee.objects.get(product="ordinary_5")
    client.post(
        f"/admin/applicants/fee/{fee.pk}/change/",
        {
            "product": "ordinary_5",
            "amount": 1,
            "legal_basis": "x",
            "effective_from_0": "2024-12-01",
            "effective_from_1": "00:00",
        },
    )
    fee.refresh_from_db()
    assert fee.amount == 350_000


def test_staff_grant_a_special_reschedule_from_the_admin(client):
    office = make_office()
    application = ready_application()
    booking = appointments.booking_create(application=application, slot=make_slot(office), actor=application.owner)
    target = make_slot(office, days_ahead=4)
    sign_in(client, StaffFactory(role="customer_service"))
    url = f"/admin/queueing/booking/{booking.pk}/special-reschedule/"
    assert client.get(url).status_code == 200
    client.post(url, {"session": target.pk, "reason": "Gangguan sistem"})
    moved = Booking.objects.get(application=application, status="held")
    assert moved.slot == target and moved.moved_from == booking


def test_a_new_price_starting_in_the_past_is_refused_on_the_admin_form_and_not_stored(client):
    sign_in(client, StaffFactory(is_superuser=True))
    before = Fee.objects.count()
    response = client.post(
        "/admin/applicants/fee/add/",
        {
            "product": "ordinary_5",
            "amount": 400_000,
            "legal_basis": "x",
            "effective_from_0": "2025-01-01",
            "effective_from_1": "00:00",
        },
    )
    assert response.status_code == 200  # the form again, with the reason, not "added successfully"
    assert (
        "prices already in force cannot be changed" in response.content.decode()
        or "tidak dapat" in response.content.decode()
    )
    assert Fee.objects.count() == before
