import threading

import pytest
from django.db import connection, transaction

from queueing.models import Booking, SessionSlot
from tests.conftest import bearer
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed, sign_in

pytestmark = pytest.mark.django_db


def test_the_calendar_shows_free_sessions_and_booking_one_holds_it(client):
    office = make_office()
    slot = make_slot(office, capacity=3)
    application = ready_application()
    sign_in(client, application.owner)
    page = client.get(f"/applications/{application.pk}/booking/?office={office.code}").content.decode()
    assert f'data-session="{slot.pk}"' in page
    response = committed(
        client.post,
        path=f"/applications/{application.pk}/booking/?office={office.code}",
        data={"session": slot.pk, "confirm": "1"},
    )
    assert response.status_code == 302 and response["Location"] == f"/applications/{application.pk}/bill/"
    booking = Booking.objects.get(application=application)
    detail = client.get(f"/applications/{application.pk}/").content.decode()
    assert booking.code in detail


def test_a_fully_booked_office_suggests_nearby_offices_with_places(client):
    full = make_office(code="jkt-priok", latitude=-6.10, longitude=106.88)
    make_slot(full, capacity=0, priority_capacity=0)
    near = make_office(code="jkt-selatan", latitude=-6.25, longitude=106.83)
    far = make_office(code="jayapura", tz="Asia/Jayapura", latitude=-2.53, longitude=140.71)
    make_slot(near)
    make_slot(far)
    application = ready_application()
    sign_in(client, application.owner)
    response = client.get(f"/applications/{application.pk}/booking/?office=jkt-priok")
    assert [alt["office"].code for alt in response.context["alternatives"]] == ["jkt-selatan", "jayapura"]


def test_cancelling_in_the_browser_releases_the_booking(client):
    office = make_office()
    application = ready_application()
    sign_in(client, application.owner)
    committed(
        client.post,
        path=f"/applications/{application.pk}/booking/",
        data={"session": make_slot(office).pk, "confirm": "1"},
    )
    client.post(f"/applications/{application.pk}/booking/cancel/")
    assert Booking.objects.get(application=application).status == "cancelled"


def test_moving_an_appointment_in_the_browser_keeps_one_place(client):
    office = make_office()
    first, later = make_slot(office), make_slot(office, days_ahead=4)
    application = ready_application()
    sign_in(client, application.owner)
    committed(client.post, path=f"/applications/{application.pk}/booking/", data={"session": first.pk, "confirm": "1"})
    committed(client.post, path=f"/applications/{application.pk}/booking/", data={"session": later.pk, "confirm": "1"})
    assert list(Booking.objects.filter(application=application).values_list("slot", "status").order_by("pk")) == [
        (first.pk, "moved"),
        (later.pk, "held"),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_session_that_stays_locked_is_answered_busy_on_the_web_as_on_the_api_never_500(client, settings):
    """A lock timeout is retried, then answered with the same `busy` refusal on every face."""
    settings.BOOKING_LOCK_TIMEOUT_MS = 100
    office = make_office()
    slot = make_slot(office)
    application = ready_application()
    locked, release = threading.Event(), threading.Event()

    def hold_the_session():
        with transaction.atomic():
            SessionSlot.objects.select_for_update().get(pk=slot.pk)
            locked.set()
            release.wait(10)
        connection.close()

    holder = threading.Thread(target=hold_the_session)
    holder.start()
    try:
        locked.wait(5)
        sign_in(client, application.owner)
        response = client.post(f"/applications/{application.pk}/booking/", {"session": slot.pk, "confirm": "1"})
        assert response.status_code == 503
        assert "sibuk" in response.content.decode().lower()
        api = bearer(application.owner).post(
            f"/api/v1/applications/{application.pk}/booking/", {"session": slot.pk}, format="json"
        )
        assert api.status_code == 503 and api.json()["code"] == "busy" and api["Retry-After"] == "2"
    finally:
        release.set()
        holder.join()
    assert not Booking.objects.filter(application=application).exists()


def test_choosing_a_session_first_shows_what_booking_means_and_takes_nothing(client):
    import re
    from zoneinfo import ZoneInfo

    office = make_office(code="jayapura", tz="Asia/Jayapura")
    slot = make_slot(office, capacity=3)
    application = ready_application()
    sign_in(client, application.owner)
    page = client.post(f"/applications/{application.pk}/booking/?office={office.code}", {"session": slot.pk})
    assert page.status_code == 200 and not Booking.objects.filter(application=application).exists()
    text = page.content.decode()
    assert office.name in text and f"{slot.start_time:%H:%M}–{slot.end_time:%H:%M} WIT" in text
    assert "Rp" in text and page.context["preview"]["amount"] > 0
    deadline = page.context["preview"]["pay_before"].astimezone(ZoneInfo("Asia/Jayapura"))
    assert f"{deadline:%H:%M} WIT" in text
    assert re.search(r'name="confirm" value="1"', text)
    # Confirming takes the place and lands on the bill: amount, deadline, the code in groups.
    landed = committed(
        client.post,
        path=f"/applications/{application.pk}/booking/?office={office.code}",
        data={"session": slot.pk, "confirm": "1"},
        follow=True,
    )
    booking = Booking.objects.get(application=application)
    code = booking.bill.code
    bill_page = landed.content.decode()
    assert landed.redirect_chain[-1][0] == f"/applications/{application.pk}/bill/"
    assert " ".join(code[i : i + 4] for i in range(0, len(code), 4)) in bill_page
    assert f'data-copy="{code}"' in bill_page


def test_an_e_passport_applicant_in_papua_is_told_which_offices_nearby_issue_it(client):
    jayapura = make_office(
        code="jayapura", tz="Asia/Jayapura", province="Papua", issues_electronic=False, latitude=-2.53, longitude=140.71
    )
    make_office(code="merauke", province="Papua Selatan", tz="Asia/Jayapura", latitude=-8.49, longitude=140.40)
    make_office(code="batam", province="Kepulauan Riau", latitude=1.13, longitude=104.05)
    make_slot(jayapura)
    application = ready_application(passport_type="electronic", province="Papua")
    sign_in(client, application.owner)
    page = client.get(f"/applications/{application.pk}/booking/")
    suggestion = page.context["suggestion"]
    assert suggestion["elsewhere"] and [n["office"].code for n in suggestion["nearby"]][:2] == ["merauke", "batam"]
    assert page.context["office"].code == "merauke"  # the nearest that issues it, and the page says so
    text = page.content.decode()
    assert "Papua" in text and "Kantor Imigrasi batam" in text and "jayapura" not in page.context["office"].code


def test_with_no_office_in_the_province_nothing_is_preselected(client):
    make_office(code="batam", province="Kepulauan Riau")
    application = ready_application(province="Aceh")
    sign_in(client, application.owner)
    page = client.get(f"/applications/{application.pk}/booking/")
    assert page.context["office"] is None and page.context["days"] == []
    assert '<option value="" selected>' in page.content.decode()
