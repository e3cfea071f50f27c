"""A NIK written in other digits is the same NIK: it is stored once, in ASCII, and every rule
that compares NIKs (one booking per person, travel bans) sees through the spelling."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from applicants import rules, services
from applicants.models import Application, User
from appointments import services as appointments
from casework import services as casework
from casework.models import Issuance, TravelBan
from casework.roles import CUSTOMER_SERVICE, SUPERVISOR
from queueing import services as queueing
from queueing.models import Booking
from tests.factories import ADULT_BORN, StaffFactory, UserFactory, make_nik, make_office, make_slot, paid_booking_today
from tests.factories import ready_application as ready
from tests.helpers import committed, domain_error, sign_in

pytestmark = pytest.mark.django_db

LIST = "/api/v1/applications/"


def full_width(text: str) -> str:
    """ASCII letters and digits as a Japanese or Chinese keyboard types them (U+FF01 onwards)."""
    return "".join(chr(ord(c) - 0x21 + 0xFF01) if c.isascii() and c.isalnum() else c for c in text)


def arabic_indic(text: str) -> str:
    return "".join(chr(0x660 + int(c)) if c in "0123456789" else c for c in text)


SPELLINGS = {
    "full-width": full_width,
    "arabic-indic": arabic_indic,
    "ascii province, full-width rest": lambda nik: nik[:2] + full_width(nik[2:]),
}


def book(application, slot):
    return committed(appointments.booking_create, application=application, slot=slot, actor=application.owner)


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_booked_nik_written_in_other_digits_from_another_account_is_refused_a_second_booking(spelling):
    office = make_office()
    nik = make_nik(ADULT_BORN, serial=501)
    book(ready(nik=nik), make_slot(office))
    other_account = ready(nik=make_nik(ADULT_BORN, serial=502))
    services.application_update(
        application=other_account, actor=other_account.owner, data={"nik": SPELLINGS[spelling](nik)}
    )
    other_account.refresh_from_db()
    assert other_account.nik == nik
    with domain_error("nik_already_booked"):
        book(other_account, make_slot(office, days_ahead=3))
    assert Booking.objects.filter(nik=nik).count() == 1


def test_a_new_application_sent_with_a_full_width_nik_is_stored_in_ascii(api):
    nik = make_nik(ADULT_BORN, serial=7)
    response = api.post(LIST, {"nik": full_width(nik), "date_of_birth": "1990-08-17", "sex": "male"}, format="json")
    assert response.status_code == 201 and response.json()["nik"] == nik
    assert Application.objects.get(pk=response.json()["id"]).nik == nik


@pytest.mark.parametrize(
    "field, typed, stored",
    [
        ("nik", arabic_indic(make_nik(ADULT_BORN, serial=8)), make_nik(ADULT_BORN, serial=8)),
        ("kk_number", full_width("3171010101090001"), "3171010101090001"),
        ("guardian_nik", "३१७१०१०१०१६००००१", "3171010101600001"),  # Devanagari
        ("postal_code", arabic_indic("14320"), "14320"),
        ("phone", "０８１２－３４５６－７８９０", "+6281234567890"),
        ("emergency_contact_phone", "٠٨١٣ ١١١١ ٢٢٢٢", "+6281311112222"),
    ],
)
def test_a_number_patched_in_other_digits_is_stored_and_answered_in_ascii(api, draft, field, typed, stored):
    response = api.patch(f"{LIST}{draft.pk}/", {field: typed}, format="json")
    assert response.status_code == 200 and response.json()[field] == stored
    draft.refresh_from_db()
    assert getattr(draft, field) == stored


@pytest.mark.parametrize("method", ["post", "patch"])
def test_a_superscript_digit_in_a_nik_is_a_400_naming_the_field_not_a_500(api, draft, method):
    nik = make_nik(ADULT_BORN, serial=9)
    typed = nik[:6] + "¹⁷" + nik[8:]  # looks like 17, is not a digit anyone types
    before = draft.nik
    path = LIST if method == "post" else f"{LIST}{draft.pk}/"
    response = getattr(api, method)(path, {"nik": typed}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert {"code", "detail", "fields"} <= set(body) and body["code"] == "invalid" and list(body["fields"]) == ["nik"]
    assert Application.objects.get().nik == before  # nothing new, nothing changed


@pytest.mark.parametrize("spelling", ["arabic-indic", "ascii province, full-width rest"])
def test_a_travel_ban_whose_nik_was_typed_in_other_digits_still_flags_the_applicant(spelling):
    application = ready()
    ban = casework.travel_ban_add(
        actor=StaffFactory(role=SUPERVISOR),
        nik=SPELLINGS[spelling](application.nik),
        full_name="Nama Lain",
        date_of_birth=None,
        authority="kpk",
        reference="R-01",
    )
    assert ban.nik == application.nik
    assert application.travel_ban_flags.get().matched_on == "nik"


def test_a_travel_ban_nik_corrected_in_the_admin_in_full_width_digits_is_stored_in_ascii(client):
    application = ready()
    supervisor = StaffFactory(role=SUPERVISOR)
    ban = TravelBan.objects.create(full_name="Nama Lain", authority="kpk", reference="R-01", created_by=supervisor)
    sign_in(client, supervisor)
    response = client.post(
        f"/admin/casework/travelban/{ban.pk}/change/",
        {
            "nik": full_width(application.nik[:8]) + " " + full_width(application.nik[8:]),
            "full_name": "Nama Lain",
            "authority": "kpk",
            "reference": "R-01",
            "reason": "",
            "date_of_birth": "",
            "valid_until": "",
        },
    )
    assert response.status_code == 302
    ban.refresh_from_db()
    assert ban.nik == application.nik


@pytest.mark.parametrize("spelling", ["full-width", "arabic-indic"])
def test_staff_find_an_application_by_a_nik_searched_in_other_digits(client, cs_officer, spelling):
    wanted = ready()
    ready()
    sign_in(client, cs_officer)
    response = client.post("/admin/applicants/application/find-by-nik/", {"nik": SPELLINGS[spelling](wanted.nik)})
    assert response.status_code == 302 and response["Location"] == f"/admin/applicants/application/{wanted.pk}/change/"


def test_a_booking_code_typed_in_full_width_lower_case_checks_in():
    office = make_office()
    booking = paid_booking_today(office)
    officer = StaffFactory(role=CUSTOMER_SERVICE)
    ticket = queueing.booking_check_in(code=full_width(booking.code.lower()), office=office, actor=officer)
    assert ticket.booking == booking and ticket.number == "A001"


@pytest.mark.parametrize(
    "field, value",
    [
        ("nik", full_width("3171011708900001")),
        ("kk_number", arabic_indic("3171010101090001")),
        ("guardian_nik", "31" + full_width("71010101600001")),
        ("postal_code", "¹⁴³¹⁰"),
        ("phone", "+62" + full_width("81234567890")),
        ("emergency_contact_phone", "+6281298765432\u200b"),
        ("old_passport_number", full_width("X1234567")),
    ],
)
def test_the_database_refuses_an_application_number_in_any_other_form_whatever_code_writes_it(draft, field, value):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=draft.pk).update(**{field: value})


def _issuance(application):
    return Issuance.objects.create(
        application=application,
        passport_number="X7654321",
        approved_by=StaffFactory(),
        expected_ready_date=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=3650),
    )


OTHER_TABLES = {
    "booking nik": lambda app: (Booking, book(app, make_slot(make_office())).pk, "nik", full_width(app.nik)),
    "travel ban nik": lambda app: (
        TravelBan,
        TravelBan.objects.create(full_name="X", authority="kpk", reference="R").pk,
        "nik",
        arabic_indic(app.nik),
    ),
    "collector nik": lambda app: (Issuance, _issuance(app).pk, "collector_id_number", full_width(app.nik)),
    "passport number": lambda app: (Issuance, _issuance(app).pk, "passport_number", full_width("X7654321")),
    "account phone": lambda app: (User, app.owner.pk, "phone", "+62８１２３４５６７８９０"),
}


@pytest.mark.parametrize("table", list(OTHER_TABLES))
def test_the_database_refuses_other_digits_in_every_table_that_keeps_a_typed_number(table):
    model, pk, field, value = OTHER_TABLES[table](ready())
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=pk).update(**{field: value})


def test_a_staff_correction_typed_in_full_width_digits_is_saved_in_ascii_not_refused(client, cs_officer):
    application = ready()
    data = {field: getattr(application, field) for field in rules.EDITABLE_FIELDS if getattr(application, field)}
    data.update(
        {
            "date_of_birth": "1990-08-17",
            "kk_number": full_width("3171010101090002"),
            "correction_reason": "Sesuai KK asli",
            "audit_entries-TOTAL_FORMS": "0",
            "audit_entries-INITIAL_FORMS": "0",
        }
    )
    sign_in(client, cs_officer)
    response = client.post(f"/admin/applicants/application/{application.pk}/change/", data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.kk_number == "3171010101090002"


def test_an_account_phone_corrected_in_the_admin_is_saved_in_its_plus_62_form_not_refused(client):
    account = UserFactory(phone="")
    sign_in(client, StaffFactory(is_superuser=True))
    response = client.post(
        f"/admin/applicants/user/{account.pk}/change/",
        {
            "email": account.email,
            "full_name": account.full_name,
            "phone": "０８１２ ３４５６ ７８９０",
            "language": "id",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.phone == "+6281234567890"


def test_a_travel_ban_on_a_name_typed_in_full_width_letters_still_flags_the_applicant_born_that_day():
    application = ready()
    casework.travel_ban_add(
        actor=StaffFactory(role=SUPERVISOR),
        nik="",
        full_name=full_width(application.full_name),
        date_of_birth=application.date_of_birth,
        authority="kpk",
        reference="R-02",
    )
    assert application.travel_ban_flags.get().matched_on == "name_and_birth_date"


def test_a_name_typed_in_full_width_letters_is_stored_as_the_same_name(api, draft):
    response = api.patch(f"{LIST}{draft.pk}/", {"mother_name": full_width("Siti Aminah")}, format="json")
    assert response.status_code == 200 and response.json()["mother_name"] == "Siti Aminah"


def test_staff_still_find_a_travel_ban_by_its_letter_reference_as_typed_dash_included(client):
    supervisor = StaffFactory(role=SUPERVISOR)
    wanted = TravelBan.objects.create(full_name="Nama Lain", authority="kpk", reference="R-01/KPK/2026")
    TravelBan.objects.create(full_name="Orang Lain", authority="kpk", reference="R-02/KPK/2026")
    sign_in(client, supervisor)
    response = client.get("/admin/casework/travelban/", {"q": "R-01"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_a_staff_correction_of_a_booked_nik_moves_the_bookings_copy_so_the_one_booking_rule_guards_the_new_number():
    office = make_office()
    application = ready(nik=make_nik(ADULT_BORN, serial=601))
    booking = book(application, make_slot(office))
    corrected = make_nik(ADULT_BORN, serial=602)
    staff = StaffFactory(role=CUSTOMER_SERVICE)
    committed(
        services.application_update,
        application=application,
        actor=staff,
        data={"nik": corrected},
        reason="NIK salah ketik",
    )
    booking.refresh_from_db()
    assert booking.nik == corrected
    someone = ready(nik=make_nik(ADULT_BORN, serial=603))
    services.application_update(application=someone, actor=someone.owner, data={"nik": corrected})
    with domain_error("nik_already_booked"):
        book(someone, make_slot(office, days_ahead=3))


def test_a_staff_correction_to_a_nik_another_person_has_booked_is_refused_and_changes_nothing():
    office = make_office()
    taken = make_nik(ADULT_BORN, serial=611)
    book(ready(nik=taken), make_slot(office))
    application = ready(nik=make_nik(ADULT_BORN, serial=612))
    book(application, make_slot(office, days_ahead=3))
    with domain_error("nik_already_booked"):
        services.application_update(
            application=application,
            actor=StaffFactory(role=CUSTOMER_SERVICE),
            data={"nik": taken},
            reason="NIK salah ketik",
        )
    application.refresh_from_db()
    assert application.nik != taken
    assert Booking.objects.filter(nik=taken).count() == 1
