from datetime import timedelta

import pytest
from django.utils import timezone

from applicants.models import Fee
from appointments import services as appointments
from tests.billing.conftest import notify, paid, past
from tests.conftest import bearer
from tests.factories import make_slot, ready_application
from tests.helpers import committed, sign_in

pytestmark = pytest.mark.django_db


def bill_url(application, suffix=""):
    return f"/api/v1/applications/{application.pk}/bill/{suffix}"


def test_the_bill_shows_code_amount_words_deadline_channels_and_the_refund_notice(booking):
    api = bearer(booking.application.owner)
    body = api.get(bill_url(booking.application), HTTP_ACCEPT_LANGUAGE="id").json()
    assert body["code"] == booking.bill.code and body["amount"] == 650_000 and body["status"] == "unpaid"
    assert body["amount_in_words"] == "enam ratus lima puluh ribu rupiah"
    assert 7100 < body["seconds_left"] <= 7200
    assert {c["code"] for c in body["channels"]} >= {
        "mobile_banking",
        "marketplace",
        "e_wallet",
        "minimarket",
        "post_office",
    }
    assert all(c["steps"] for c in body["channels"])
    assert body["notice"] and (body["ministry_code"], len(body["work_unit_code"])) == ("113", 6)


def test_an_unpaid_bill_past_its_deadline_reads_as_expired_before_any_sweep(booking):
    past(booking)
    body = bearer(booking.application.owner).get(bill_url(booking.application)).json()
    assert body["status"] == "expired" and body["seconds_left"] == 0


def test_a_bill_keeps_the_price_in_force_when_it_was_issued(booking, office):
    Fee.objects.create(product="ordinary_10", amount=700_000, effective_from=timezone.now() + timedelta(seconds=1))
    booking.bill.refresh_from_db()
    assert booking.bill.amount == 650_000
    other = ready_application()
    Fee.objects.filter(amount=700_000).update(effective_from=timezone.now() - timedelta(seconds=1))
    later = appointments.booking_create(application=other, slot=make_slot(office, days_ahead=3), actor=other.owner)
    assert later.bill.amount == 700_000


def test_a_lost_passport_pays_the_surcharge(office):
    application = ready_application(reason="lost", old_passport_number="", validity_years=5)
    from applicants.models import Document

    Document.objects.create(
        application=application,
        kind="police_report",
        file="documents/shared-test-photo.jpg",
        content_type="image/jpeg",
        size=1,
        sha256="0" * 64,
    )
    booking = appointments.booking_create(application=application, slot=make_slot(office), actor=application.owner)
    assert booking.bill.amount == 350_000 + 1_000_000


def test_renewing_an_expired_bill_gives_a_new_code_and_the_same_session(booking):
    application = booking.application
    old_code = booking.bill.code
    past(booking)
    response = committed(bearer(application.owner).post, path=bill_url(application, "renew/"))
    assert response.status_code == 201
    body = response.json()
    assert body["code"] != old_code and body["status"] == "unpaid" and body["seconds_left"] > 7000
    application.refresh_from_db()
    assert application.status == "booked"
    assert application.bookings.get(status="held").slot == booking.slot
    assert application.bills.get(code=body["code"]).renewed_from.code == old_code


def test_renewing_when_the_session_filled_up_offers_the_nearest_free_ones(booking, office):
    application = booking.application
    past(booking)
    committed(appointments.bookings_expire_due)
    other = ready_application()
    committed(appointments.booking_create, application=other, slot=booking.slot, actor=other.owner)
    free = make_slot(office, days_ahead=5)
    response = bearer(application.owner).post(bill_url(application, "renew/"))
    assert response.status_code == 409 and response.json()["code"] == "slot_full"
    assert [a["id"] for a in response.json()["alternatives"]] == [free.pk]


def test_a_bill_that_has_not_expired_cannot_be_renewed(booking):
    response = bearer(booking.application.owner).post(bill_url(booking.application, "renew/"))
    assert response.status_code == 409 and response.json()["code"] == "not_renewable"


def test_the_proof_is_a_pdf_once_paid_and_refused_before(anon, booking):
    api = bearer(booking.application.owner)
    assert api.get(f"/api/v1/applications/{booking.application.pk}/proof/").status_code == 409
    notify(anon, paid(booking.bill))
    response = api.get(f"/api/v1/applications/{booking.application.pk}/proof/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and b"/Image" in response.content


def test_the_proof_pdf_carries_a_full_qr_code_that_a_standard_decoder_reads(anon, booking):
    import io

    import zxingcpp
    from PIL import Image
    from pypdf import PdfReader

    notify(anon, paid(booking.bill))
    pdf = bearer(booking.application.owner).get(f"/api/v1/applications/{booking.application.pk}/proof/").content
    [picture] = PdfReader(io.BytesIO(pdf)).pages[0].images
    [found] = zxingcpp.read_barcodes(Image.open(io.BytesIO(picture.data)))
    assert found.format == zxingcpp.BarcodeFormat.QRCode  # not a Micro QR, which phones cannot read
    assert found.text == booking.code


def test_the_proof_page_shows_the_qr_code_and_booking_code(client, anon, booking):
    notify(anon, paid(booking.bill))
    sign_in(client, booking.application.owner)
    page = client.get(f"/applications/{booking.application.pk}/proof/").content.decode()
    assert "<svg" in page and booking.code in page


def test_another_persons_bill_is_404(booking):
    assert bearer(ready_application().owner).get(bill_url(booking.application)).status_code == 404
