from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from appointments import payments as receiving
from appointments import services as appointments
from casework.models import Issuance
from tests.conftest import bearer
from tests.factories import ApplicationFactory, StaffFactory, make_office
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def office():
    return make_office(code="jkt-priok")


def issue(office, passport_type, when, n=1):
    officer = StaffFactory()
    for _ in range(n):
        application = ApplicationFactory(passport_type=passport_type, status="collected")
        Issuance.objects.create(
            application=application,
            office=office,
            passport_number=f"X{Issuance.objects.count():07d}",
            approved_by=officer,
            expected_ready_date=when.date(),
            valid_until=date(2035, 1, 1),
            printed_at=when,
        )


def test_the_issuance_report_has_the_shape_of_the_offices_own_table(anon, office):
    issue(office, "ordinary", datetime(2026, 1, 10, 9, tzinfo=WIB), n=3)
    issue(office, "electronic", datetime(2026, 1, 11, 9, tzinfo=WIB), n=2)
    issue(
        office, "ordinary", datetime(2026, 3, 31, 23, 30, tzinfo=WIB)
    )  # still March in Jakarta, April in UTC+0? no: the 31st
    issue(office, "ordinary", datetime(2025, 12, 31, 9, tzinfo=WIB))  # another year
    body = anon.get("/api/v1/reports/issuance/", {"office": "jkt-priok", "year": 2026}).json()
    assert body["months"][0] | {"name": None} == {"month": 1, "name": None, "ordinary": 3, "electronic": 2}
    assert body["months"][2]["ordinary"] == 1 and len(body["months"]) == 12
    assert body["totals"] == {"ordinary": 4, "electronic": 2}


def test_a_month_is_the_offices_local_month(anon):
    jayapura = make_office(code="jayapura", tz="Asia/Jayapura")
    issue(jayapura, "ordinary", datetime(2026, 4, 30, 16, 0, tzinfo=ZoneInfo("UTC")))  # 1 May 01:00 in Jayapura
    months = anon.get("/api/v1/reports/issuance/", {"office": "jayapura", "year": 2026}).json()["months"]
    assert (months[3]["ordinary"], months[4]["ordinary"]) == (0, 1)


def test_the_csv_and_the_public_page_carry_counts_and_no_personal_data(client, office):
    issue(office, "electronic", datetime(2026, 6, 2, 10, tzinfo=WIB), n=4)
    csv = client.get("/open-data/jkt-priok/issuance.csv?year=2026")
    assert csv["Content-Type"].startswith("text/csv")
    assert "jkt-priok,2026,6,0,4" in csv.content.decode()
    page = client.get("/open-data/jkt-priok/?year=2026").content.decode()
    assert "<svg" in page and ">4<" in page
    names = ApplicationFactory._meta.model.objects.values_list("full_name", "nik")
    assert not any(name in page or nik in page for name, nik in names)


def test_operational_figures_count_bookings_payments_expiries_per_day_for_staff_only(office):
    from billing import simulator
    from queueing.models import Booking
    from tests.factories import make_slot, ready_application

    slot = make_slot(office, capacity=5)
    paid = ready_application()
    booking = appointments.booking_create(application=paid, slot=slot, actor=paid.owner)
    receiving.payment_record(
        **{
            **simulator.notification(billing_code=booking.bill.code, amount=booking.bill.amount),
            "paid_at": booking.bill.issued_at,
        }
    )
    lapsed = ready_application()
    gone = appointments.booking_create(application=lapsed, slot=slot, actor=lapsed.owner)
    Booking.objects.filter(pk=gone.pk).update(hold_until=gone.created_at - timedelta(seconds=1))
    appointments.bookings_expire_due()
    today = office.local_today()
    url = "/api/v1/reports/operations/"
    assert bearer(paid.owner).get(url, {"office": office.code}).status_code == 403
    supervisor = StaffFactory(role="supervisor")
    days = bearer(supervisor).get(url, {"office": office.code, "from": today, "to": today}).json()
    assert days == [
        {"date": today.isoformat(), "bookings": 2, "no_shows": 0, "payments": 1, "expiries": 1, "renewals": 0}
    ]


def test_the_staff_report_page_is_for_staff(client, office):
    sign_in(client, StaffFactory(role="auditor"))
    assert client.get("/office/reports/?office=jkt-priok").status_code == 200
    sign_in(client, ApplicationFactory().owner)
    assert client.get("/office/reports/").status_code == 403
