import pytest
from django.core.management import call_command

from appointments import services as appointments
from billing.models import Bill
from tests.billing.conftest import past
from tests.conftest import bearer
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed, sign_in

pytestmark = pytest.mark.django_db


def test_the_bill_page_shows_code_amount_in_words_deadline_channels_and_notice(client, booking):
    sign_in(client, booking.application.owner)
    page = client.get(f"/applications/{booking.application.pk}/bill/").content.decode()
    assert booking.bill.code in page and "Rp650.000" in page and "enam ratus lima puluh ribu rupiah" in page
    assert "data-deadline=" in page and "data-countdown" in page
    assert "Indomaret" in page and "Tokopedia" in page and "DANA" in page


def test_an_expired_bill_is_renewed_with_one_click_in_the_browser(client, booking):
    past(booking)
    sign_in(client, booking.application.owner)
    page = client.get(f"/applications/{booking.application.pk}/bill/").content.decode()
    assert f"/applications/{booking.application.pk}/bill/renew/" in page
    committed(client.post, path=f"/applications/{booking.application.pk}/bill/renew/")
    assert booking.application.bills.filter(status="unpaid").exclude(pk=booking.bill_id).count() == 1


def test_the_dev_simulator_page_is_absent_in_production_settings(client, settings):
    settings.PAYMENT_SIMULATOR_ENABLED = False
    assert client.get("/dev/payments/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_simulate_payment_sends_a_signed_notice_that_pays_the_bill(live_server):
    application = ready_application()
    booking = appointments.booking_create(
        application=application, slot=make_slot(make_office()), actor=application.owner
    )
    call_command("simulate_payment", booking.bill.code, "--url", live_server.url, "--channel", "e_wallet")
    assert Bill.objects.get(pk=booking.bill_id).status == "paid"
    assert Bill.objects.get(pk=booking.bill_id).payments.get().channel == "e_wallet"


@pytest.mark.django_db(transaction=True)
def test_the_dev_simulator_page_pays_through_the_real_callback(live_server, settings):
    import urllib.parse
    import urllib.request

    settings.PAYMENT_SIMULATOR_ENABLED = True
    application = ready_application()
    booking = appointments.booking_create(
        application=application, slot=make_slot(make_office()), actor=application.owner
    )
    from django.test import Client

    client = Client()
    client.get("/dev/payments/")
    response = client.post(
        "/dev/payments/",
        {"billing_code": booking.bill.code, "channel": "minimarket"},
        SERVER_NAME=urllib.parse.urlparse(live_server.url).hostname,
        SERVER_PORT=str(urllib.parse.urlparse(live_server.url).port),
    )
    assert response.context["result"][0] == 200
    assert Bill.objects.get(pk=booking.bill_id).status == "paid"


def test_the_dev_simulator_answers_a_bad_amount_with_a_message_not_an_error(client, settings):
    settings.PAYMENT_SIMULATOR_ENABLED = True
    response = client.post("/dev/payments/", {"billing_code": "123456789012345", "amount": "banyak"})
    assert response.status_code == 200 and response.context["result"][0] == 400


def test_pages_offer_what_the_rules_allow_now_a_booked_application_can_still_be_corrected(client):
    """The review page asks the same rule as the service: details may be corrected until the fee is paid."""
    from appointments import payments as receiving
    from billing import simulator

    application = ready_application()
    booking = appointments.booking_create(
        application=application, slot=make_slot(make_office()), actor=application.owner
    )
    sign_in(client, application.owner)
    review = client.get(f"/applications/{application.pk}/review/").content.decode()
    assert f"/applications/{application.pk}/step/" in review  # "Change" links, as the service allows in `booked`
    detail = client.get(f"/applications/{application.pk}/").content.decode()
    assert "booking/cancel/" in detail
    body = simulator.notification(billing_code=booking.bill.code, amount=booking.bill.amount)
    receiving.payment_record(**{**body, "paid_at": booking.bill.issued_at})
    review = client.get(f"/applications/{application.pk}/review/").content.decode()
    assert f"/applications/{application.pk}/step/" not in review  # paid: biodata are the office's to correct now
    detail = client.get(f"/applications/{application.pk}/").content.decode()
    assert "booking/cancel/" not in detail  # a paid place is moved, not cancelled
    api = bearer(application.owner).get(f"/api/v1/applications/{application.pk}/booking/").json()
    assert "proof" in api["actions"] and "cancel_booking" not in api["actions"]


def test_in_papua_the_bill_shows_its_times_in_wit_and_says_so(client):
    import re
    from zoneinfo import ZoneInfo

    office = make_office(code="jayapura", tz="Asia/Jayapura", issues_electronic=False)
    slot = make_slot(office, capacity=2, priority_capacity=0)
    application = ready_application(passport_type="ordinary")
    booking = committed(appointments.booking_create, application=application, slot=slot, actor=application.owner)
    sign_in(client, application.owner)
    page = client.get(f"/applications/{application.pk}/bill/").content.decode()
    local = booking.bill.expires_at.astimezone(ZoneInfo("Asia/Jayapura"))
    deadline = re.search(r"<time[^>]*data-deadline[^>]*>([^<]*)</time>", page).group(1)
    assert deadline.endswith(f"{local:%H:%M} WIT")
    issued = booking.bill.issued_at.astimezone(ZoneInfo("Asia/Jayapura"))
    assert f"{issued:%H:%M} WIT" in page
    assert " WIB<" not in page  # no time on the page in another zone


def test_the_bill_page_can_ask_cheaply_whether_the_status_changed(client, anon, booking):
    from tests.billing.conftest import notify, paid

    sign_in(client, booking.application.owner)
    url = f"/applications/{booking.application.pk}/bill/status/"
    page = client.get(f"/applications/{booking.application.pk}/bill/").content.decode()
    assert f'data-watch="{url}"' in page and f'href="/applications/{booking.application.pk}/bill/"' in page
    assert client.get(url).json() == {"code": booking.bill.code, "status": "unpaid"}
    notify(anon, paid(booking.bill))
    assert client.get(url).json()["status"] == "paid"
    assert "private" in client.get(url)["Cache-Control"]
    stranger = ready_application()
    sign_in(client, stranger.owner)
    assert client.get(url).status_code == 404


def test_in_english_the_bill_names_products_and_channels_in_english(client, anon, booking):
    from tests.billing.conftest import notify, paid

    notify(anon, paid(booking.bill, channel="mobile_banking"))
    sign_in(client, booking.application.owner)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get(f"/applications/{booking.application.pk}/bill/").content.decode()
    assert "Ordinary passport, 10 years" in page and "Paspor biasa" not in page
    assert "Mobile and internet banking" in page and "mobile_banking" not in page
