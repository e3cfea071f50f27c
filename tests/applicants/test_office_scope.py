"""Staff see the applicants of the offices they are posted to, not every applicant nationwide
(supervisors and superusers see every office); a NIK is looked up with a posted form and never
travels in an address."""

import pytest
from django.contrib import messages
from django.contrib.auth.models import Permission
from django.urls import reverse

from applicants.models import Application
from billing.models import Payment
from casework.roles import CUSTOMER_SERVICE, SUPERVISOR
from queueing.models import Booking
from tests.factories import StaffFactory, make_office, make_slot, paid_booking_today
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

APPLICATIONS = "/admin/applicants/application/"
FIND = "/admin/applicants/application/find-by-nik/"


def change_url(application):
    return f"{APPLICATIONS}{application.pk}/change/"


@pytest.fixture
def office_a():
    return make_office("jkt-priok")


@pytest.fixture
def office_b():
    return make_office("sby-tanjung-perak", city="Surabaya", province="Jawa Timur")


@pytest.fixture
def booking_a(office_a):
    return paid_booking_today(office_a, full_name="Ayu Lestari")


@pytest.fixture
def booking_b(office_b):
    return paid_booking_today(office_b, full_name="Bagus Pratama")


@pytest.fixture
def officer(client, office_a, booking_a, booking_b):
    """Customer service posted to office A only."""
    officer = StaffFactory(role=CUSTOMER_SERVICE, posted_to=[office_a])
    sign_in(client, officer)
    return officer


def listed(client, url=APPLICATIONS, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def levels(response) -> list[int]:
    return [m.level for m in messages.get_messages(response.wsgi_request)]


def test_a_posted_officer_lists_only_their_offices_applications(client, officer, booking_a, booking_b):
    assert listed(client) == {booking_a.application}


def test_another_offices_application_is_not_found(client, officer, booking_a, booking_b):
    assert client.get(change_url(booking_a.application)).status_code == 200
    assert client.get(change_url(booking_b.application)).status_code == 404
    history = client.get(f"{APPLICATIONS}{booking_b.application.pk}/history/")
    assert history.status_code == 302 and str(booking_b.application.pk) not in history.get("Location", "")


def test_a_workflow_step_on_another_offices_application_is_refused(client, officer, booking_a, booking_b):
    b = booking_b.application
    assert client.post(f"{APPLICATIONS}{b.pk}/workflow/check_in/").status_code == 404
    b.refresh_from_db()
    assert b.status == "paid"
    assert client.post(f"{APPLICATIONS}{booking_a.application.pk}/workflow/check_in/").status_code == 302
    booking_a.application.refresh_from_db()
    assert booking_a.application.status == "checked_in"


def test_an_admin_action_does_not_reach_another_offices_rows(client, officer, booking_a, booking_b):
    Payment.objects.update(outcome="refund_due", case="amount_mismatch")
    ours, theirs = (
        Payment.objects.get(application=booking_a.application),
        Payment.objects.get(application=booking_b.application),
    )
    assert listed(client, "/admin/billing/payment/") == {ours}
    client.post("/admin/billing/payment/", {"action": "mark_refunded", "_selected_action": [ours.pk, theirs.pk]})
    ours.refresh_from_db()
    theirs.refresh_from_db()
    assert (ours.outcome, theirs.outcome) == ("refunded", "refund_due")


def test_documents_bills_bookings_and_accounts_are_scoped_too(client, officer, booking_a, booking_b):
    a, b = booking_a.application, booking_b.application
    assert {d.application for d in listed(client, "/admin/applicants/document/")} == {a}
    assert {bill.application for bill in listed(client, "/admin/billing/bill/")} == {a}
    assert listed(client, "/admin/queueing/booking/") == {booking_a}
    theirs = b.documents.first()
    assert client.get(f"/admin/applicants/document/{theirs.pk}/change/").status_code == 302  # "does not exist"
    assert client.get(reverse("document_file", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("document_file", args=[a.documents.first().pk])).status_code == 200
    assert client.get(f"/admin/queueing/booking/{booking_b.pk}/special-reschedule/").status_code == 404
    officer.user_permissions.add(Permission.objects.get(codename="view_user", content_type__app_label="applicants"))
    accounts = listed(client, "/admin/applicants/user/")
    assert a.owner in accounts and b.owner not in accounts


def test_an_application_moved_to_another_offices_session_leaves_the_office(client, officer, office_b, booking_a):
    Booking.objects.filter(pk=booking_a.pk).update(status="moved")
    Booking.objects.create(
        application=booking_a.application,
        slot=make_slot(office_b, days_ahead=3),
        nik=booking_a.nik,
        bill=booking_a.bill,
        status="confirmed",
        moved_from=booking_a,
    )
    assert listed(client) == set()


def test_staff_posted_nowhere_see_no_applicant_and_are_told_why(client, booking_a, booking_b):
    sign_in(client, StaffFactory(role=CUSTOMER_SERVICE, posted_to=[]))
    response = client.get(APPLICATIONS)
    assert list(response.context["cl"].result_list) == []
    assert messages.WARNING in levels(response)
    assert client.get(change_url(booking_a.application)).status_code == 404


def test_supervisors_and_superusers_see_every_office(client, booking_a, booking_b):
    supervisor = StaffFactory(role=SUPERVISOR, posted_to=[])
    assert supervisor.has_perm("queueing.view_all_offices")
    sign_in(client, supervisor)
    assert listed(client) == {booking_a.application, booking_b.application}
    assert client.get(change_url(booking_b.application)).status_code == 200
    sign_in(client, StaffFactory(is_superuser=True, posted_to=[]))
    assert listed(client) == {booking_a.application, booking_b.application}


def test_the_posted_nik_search_finds_within_the_office_only(client, officer, booking_a, booking_b):
    a, b = booking_a.application, booking_b.application
    found = client.post(FIND, {"nik": f"{a.nik[:6]} {a.nik[6:12]} {a.nik[12:]}"})
    assert found.status_code == 302 and found["Location"] == change_url(a)
    missing = client.post(FIND, {"nik": b.nik})
    assert missing.status_code == 302 and missing["Location"] == APPLICATIONS
    assert messages.WARNING in levels(missing)
    for response in (found, missing):
        assert a.nik not in response["Location"] and b.nik not in response["Location"]


def test_several_applications_of_a_nik_are_listed_on_the_response_not_in_an_address(client, officer, booking_a):
    a = booking_a.application
    again = Application.objects.get(pk=a.pk)
    again.pk, again.number = None, "MP2345678923"
    again.save()
    Booking.objects.create(application=again, slot=booking_a.slot, nik=a.nik, status="cancelled")
    response = client.post(FIND, {"nik": a.nik})
    assert response.status_code == 200
    assert {x.pk for x in response.context["applications"]} == {a.pk, again.pk}
    assert a.nik not in response.wsgi_request.get_full_path()


def test_the_nik_search_is_posted_with_csrf_and_never_a_get(client, officer, booking_a):
    assert client.get(FIND, {"nik": booking_a.application.nik}).status_code == 405
    page = client.get(APPLICATIONS).content.decode()
    assert f'action="{FIND}"' in page and 'method="post"' in page


@pytest.mark.parametrize("spaced", [False, True])
def test_a_nik_in_the_address_is_not_searched(client, booking_a, booking_b, spaced):
    sign_in(client, StaffFactory(role=SUPERVISOR))
    nik = booking_a.application.nik
    typed = f"{nik[:4]} {nik[4:]}" if spaced else nik
    response = client.get(APPLICATIONS, {"q": typed, "status__exact": "paid"})
    assert response.status_code == 302
    assert nik not in response["Location"] and nik[4:] not in response["Location"]
    assert "status__exact=paid" in response["Location"]
    assert messages.ERROR in levels(response)
    for url in ("/admin/applicants/document/", "/admin/billing/bill/", "/admin/queueing/booking/"):
        assert client.get(url, {"q": nik}).status_code == 302


def test_names_and_numbers_are_still_searched_from_the_list(client, officer, booking_a, booking_b):
    assert listed(client, q="Ayu") == {booking_a.application}
    assert listed(client, q=booking_a.application.number.lower()) == {booking_a.application}
    assert listed(client, q="Bagus") == set()  # another office's


def test_the_audit_log_shows_the_entries_of_the_offices_applications_only(client, officer, booking_a, booking_b):
    entries = listed(client, "/admin/core/auditentry/")
    assert entries and {e.application_id for e in entries} == {booking_a.application.pk}
