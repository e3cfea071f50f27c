"""The hostile inputs a black-box probe turned into 500s, each answered with a clean 4xx in
the documented shape and nothing changed. `test_hostile_sweep.py` keeps the general case."""

import json

import pytest
from django.test import Client

from applicants.models import User
from core.signing import signed_headers
from tests.conftest import attach, bearer
from tests.factories import StaffFactory, make_office, make_slot, ready_application
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
DEEP = ("[" * 10_000 + "]" * 10_000).encode()


def _shape(response, status, code):
    assert response.status_code == status, response.content[:300]
    body = response.json()
    assert {"code", "detail", "fields"} <= set(body) and body["code"] == code, body
    return body


@pytest.mark.parametrize("path", ["/api/v1/auth/register/", "/api/v1/auth/token/", "/api/v1/auth/token/refresh/"])
def test_json_nested_ten_thousand_deep_is_a_malformed_request(anon, path):
    response = anon.post(path, data=DEEP, content_type="application/json")
    _shape(response, 400, "malformed_request")
    assert User.objects.count() == 0


@pytest.mark.parametrize("path", ["/api/v1/payments/notifications/", "/api/v1/delivery/notifications/"])
def test_a_correctly_signed_callback_nested_too_deep_is_a_malformed_request(anon, settings, path):
    secret = settings.PAYMENT_WEBHOOK_SECRET if "payments" in path else settings.POS_WEBHOOK_SECRET
    headers = signed_headers(secret, DEEP)
    response = anon.post(
        path,
        data=DEEP,
        content_type="application/json",
        HTTP_X_TIMESTAMP=headers["X-Timestamp"],
        HTTP_X_SIGNATURE=headers["X-Signature"],
    )
    _shape(response, 400, "malformed_request")


@pytest.mark.parametrize("raw", [b'{"session": 1e999}', b'{"session": -1e999}', b'{"session": NaN}'])
def test_a_session_number_out_of_range_on_the_booking_fast_path_is_a_400(raw):
    office = make_office()
    make_slot(office)
    application = ready_application()
    response = bearer(application.owner).post(
        f"/api/v1/applications/{application.pk}/booking/", data=raw, content_type="application/json"
    )
    _shape(response, 400, "malformed_request")
    assert not application.bookings.exists()


@pytest.mark.parametrize(
    ("stamp", "signature"),
    [("9" * 400, "0" * 64), ("１７００００００００", "0" * 64), ("1700000000", "é" * 64), ("-5", "ab"), ("1e9", "ab")],
)
def test_a_callback_signature_header_of_any_form_is_a_401(anon, stamp, signature):
    body = json.dumps({"billing_code": "1" * 15}).encode()
    for path in ("/api/v1/payments/notifications/", "/api/v1/delivery/notifications/"):
        response = anon.post(
            path, data=body, content_type="application/json", HTTP_X_TIMESTAMP=stamp, HTTP_X_SIGNATURE=signature
        )
        assert _shape(response, 401, response.json()["code"])["code"].startswith("signature_")


@pytest.mark.parametrize("year", ["9999", "0", "-1", "1e3", "²⁰²⁶"])
def test_a_year_outside_our_records_is_a_400_that_names_the_year(anon, year):
    office = make_office()
    body = _shape(anon.get("/api/v1/reports/issuance/", {"office": office.code, "year": year}), 400, "invalid")
    assert "year" in body["fields"]
    assert Client().get(f"/open-data/{office.code}/", {"year": year}).status_code == 400
    assert Client().get(f"/open-data/{office.code}/issuance.csv", {"year": year}).status_code == 400


def test_a_nul_in_any_query_parameter_is_a_400_not_a_database_error(anon, client):
    _shape(anon.get("/api/v1/reports/issuance/", {"office": "a\x00b"}), 400, "bad_request")
    sign_in(client, StaffFactory(role="supervisor"))
    assert client.get("/office/reports/", {"office": "\x00"}).status_code == 400
    assert client.get("/office/queue/", {"office": "\x00"}).status_code == 400


@pytest.mark.parametrize(
    ("start", "end"),
    [("0001-01-01", "0001-01-02"), ("9999-12-30", "9999-12-31"), ("2026-01-01", "9999-12-31"), ("2026-02-30", "")],
)
def test_staff_report_dates_at_the_ends_of_the_calendar_are_refused_in_words(client, start, end):
    office = make_office()
    staff = StaffFactory(role="supervisor")
    sign_in(client, staff)
    page = client.get("/office/reports/", {"office": office.code, "from": start, "to": end})
    assert page.status_code == 400 and ("2000" in page.content.decode() or "2026-12-01" in page.content.decode())
    api = bearer(staff).get("/api/v1/reports/operations/", {"office": office.code, "from": start, "to": end})
    _shape(api, 400, "invalid")


@pytest.mark.parametrize("session", ["abc", "1e999", "²", "٣", "", "-1", "9" * 40])
def test_the_web_booking_form_with_a_session_that_is_not_a_number_asks_again(client, session):
    office = make_office()
    make_slot(office)
    application = ready_application()
    sign_in(client, application.owner)
    response = client.post(f"/applications/{application.pk}/booking/", {"session": session, "confirm": "1"})
    assert response.status_code == 302 and not application.bookings.exists()
    assert "Pilih sesi" in client.get(response["Location"]).content.decode()


def test_the_admin_page_of_a_document_links_to_the_file_through_the_authorising_view(client):
    application = ready_application()
    document = attach(application, "ktp")
    sign_in(client, StaffFactory(is_superuser=True))
    page = client.get(f"/admin/applicants/document/{document.pk}/change/")
    assert page.status_code == 200
    assert f"/documents/{document.pk}/file/" in page.content.decode()
    assert client.get(f"/documents/{document.pk}/file/").status_code == 200
