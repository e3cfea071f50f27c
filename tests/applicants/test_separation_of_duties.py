"""Separation of duties: no officer acts on their own or a family member's application."""

import pytest
from django.utils.timezone import localtime

from applicants.models import StaffIdentity
from billing.models import Payment
from casework import services as casework
from casework.models import TravelBan
from casework.roles import CUSTOMER_SERVICE, SUPERVISOR
from core.models import AuditEntry
from queueing.services import application_check_in
from tests.billing.conftest import booking, office, slot  # noqa: F401 - fixtures
from tests.factories import ADULT_BORN, StaffFactory, make_nik, make_office, paid_booking_today
from tests.helpers import domain_error, sign_in

pytestmark = pytest.mark.django_db

OFFICER_NIK = make_nik(ADULT_BORN, serial=900)


@pytest.fixture
def paid():
    return paid_booking_today(make_office(code="jkt-selatan")).application


def officer_with(nik=OFFICER_NIK, kk="", role=CUSTOMER_SERVICE, **fields):
    officer = StaffFactory(role=role, **fields)
    StaffIdentity.objects.create(user=officer, nik=nik, kk_number=kk)
    return officer


def check_in_from_admin(client, application):
    return client.post(f"/admin/applicants/application/{application.pk}/workflow/check_in/", {})


def buttons(client, application):
    response = client.get(f"/admin/applicants/application/{application.pk}/change/")
    return [m["name"] for m in response.context["moves"]]


def checked_in_rows(application):
    return AuditEntry.objects.filter(application_id=application.pk, action="check_in")


def test_an_officer_cannot_check_in_their_own_application_and_nothing_changes(client, paid):
    officer = officer_with(nik=paid.nik)
    sign_in(client, officer)
    assert "check_in" not in buttons(client, paid)
    response = check_in_from_admin(client, paid)
    assert response.status_code == 302
    paid.refresh_from_db()
    assert paid.status == "paid" and not checked_in_rows(paid).exists()
    with domain_error("conflict_of_interest") as caught:
        application_check_in(application=paid, actor=officer)
    assert caught.value.status == 403


def test_the_account_that_owns_the_application_may_not_act_on_it_as_staff(paid):
    from casework.roles import ensure_roles

    owner = paid.owner
    owner.is_staff = True
    owner.save()
    owner.groups.add(ensure_roles()[CUSTOMER_SERVICE])
    with domain_error("conflict_of_interest"):
        application_check_in(application=paid, actor=type(owner).objects.get(pk=owner.pk))
    paid.refresh_from_db()
    assert paid.status == "paid"


def test_an_officer_on_the_same_family_card_is_refused(paid):
    with domain_error("conflict_of_interest"):
        application_check_in(application=paid, actor=officer_with(kk=paid.kk_number))
    assert not checked_in_rows(paid).exists()


def test_an_officer_named_as_the_applicants_mother_is_refused(paid):
    with domain_error("conflict_of_interest"):
        application_check_in(application=paid, actor=officer_with(full_name=paid.mother_name))


def test_an_officer_who_is_the_guardian_is_refused(paid):
    type(paid).objects.filter(pk=paid.pk).update(guardian_nik=OFFICER_NIK)
    paid.refresh_from_db()
    with domain_error("conflict_of_interest"):
        application_check_in(application=paid, actor=officer_with())


def test_an_unrelated_colleague_checks_the_applicant_in(client, paid):
    sign_in(client, officer_with(kk="3171010101090099"))
    assert buttons(client, paid) == ["check_in"]
    check_in_from_admin(client, paid)
    paid.refresh_from_db()
    assert paid.status == "checked_in" and checked_in_rows(paid).exists()


def test_an_officer_cannot_record_a_payment_by_ntpn_for_a_family_member(client, booking):  # noqa: F811
    sign_in(client, officer_with(kk=booking.application.kk_number))
    response = client.post(
        "/admin/billing/payment/reconcile/",
        {
            "billing_code": booking.bill.code,
            "ntpn": "A1B2C3D4E5F6G7H8",
            "channel": "teller",
            "amount": booking.bill.amount,
            "paid_at": localtime(booking.bill.issued_at).strftime("%Y-%m-%d %H:%M"),
            "note": "struk",
        },
    )
    assert response.status_code == 200
    assert "anggota keluarga Anda" in response.content.decode()  # the refusal, in the staff language
    booking.application.refresh_from_db()
    assert booking.application.status == "booked" and not Payment.objects.exists()


def test_a_supervisor_cannot_decide_a_travel_ban_on_their_own_application(paid):
    from casework.services import travel_ban_screen

    TravelBan.objects.create(nik=paid.nik, full_name="X", authority="police", reference="LP/1")
    travel_ban_screen(paid)
    flag = paid.travel_ban_flags.get()
    with domain_error("conflict_of_interest"):
        casework.travel_ban_decide(
            flag=flag, actor=officer_with(nik=paid.nik, role=SUPERVISOR), uphold=False, reason="x"
        )
    flag.refresh_from_db()
    assert flag.status == "open"


def test_only_a_superuser_records_an_officers_nik_and_it_is_stored_in_one_form(client):
    officer = StaffFactory(role=CUSTOMER_SERVICE)
    sign_in(client, StaffFactory(role=SUPERVISOR))
    assert client.get("/admin/applicants/staffidentity/add/").status_code == 403
    sign_in(client, StaffFactory(is_superuser=True))
    spaced = " ".join([OFFICER_NIK[:6], OFFICER_NIK[6:12], OFFICER_NIK[12:]])
    response = client.post("/admin/applicants/staffidentity/add/", {"user": officer.pk, "nik": spaced, "kk_number": ""})
    assert response.status_code == 302
    assert StaffIdentity.objects.get(user=officer).nik == OFFICER_NIK
