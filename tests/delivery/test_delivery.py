"""Pickup or delivery by PT Pos: the choice, the shipment, tracking callbacks and polls."""

import json
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.test import TestCase
from django.utils import timezone

from casework import services as casework
from casework.roles import CUSTOMER_SERVICE, SUPERVISOR, VERIFIER
from core.errors import DomainError
from core.signing import signed_headers
from delivery import pos, services, simulator
from delivery.models import DeliveryChoice, Shipment, TrackingEvent
from queueing import services as queueing
from tests.conftest import bearer
from tests.factories import StaffFactory, make_office, paid_booking_today
from tests.helpers import domain_error

pytestmark = pytest.mark.django_db

ADDRESS = {
    "recipient_name": "Dewi Lestari",
    "phone": "0812 1111 2222",
    "address_line": "Jl. Melati No. 5, RT 3/RW 4",
    "village": "Sunter Agung",
    "district": "Tanjung Priok",
    "city": "Jakarta Utara",
    "province": "DKI Jakarta",
    "postal_code": "14350",
}


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def staff():
    return {role: StaffFactory(role=role) for role in (CUSTOMER_SERVICE, VERIFIER, SUPERVISOR)}


def printed(office, staff):
    booking = paid_booking_today(office)
    application = booking.application
    queueing.booking_check_in(code=booking.code, office=office, actor=staff[CUSTOMER_SERVICE])
    casework.application_interview(
        application=application,
        actor=staff[VERIFIER],
        photo_taken=True,
        fingerprints_taken=True,
        recommendation="approve",
    )
    casework.application_approve(application=application, actor=staff[SUPERVISOR], passport_number="B1234567")
    casework.passport_print(application=application, actor=staff[SUPERVISOR])
    application.refresh_from_db()
    return application


def release(application, staff):
    """Release the passport, with what follows the commit (PT Pos registers the parcel)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        casework.passport_release(application=application, actor=staff[SUPERVISOR])


def delivery_url(application):
    return f"/api/v1/applications/{application.pk}/delivery/"


def pos_notice(client, body: dict, secret=None, timestamp=None):
    raw = json.dumps(body, default=str).encode()
    headers = signed_headers(secret or settings.POS_WEBHOOK_SECRET, raw, timestamp)
    return client.post(
        "/api/v1/delivery/notifications/",
        data=raw,
        content_type="application/json",
        HTTP_X_TIMESTAMP=headers["X-Timestamp"],
        HTTP_X_SIGNATURE=headers["X-Signature"],
    )


def event(tracking, status, minutes, location="Jakarta"):
    return {
        "tracking_number": tracking,
        "status": status,
        "location": location,
        "occurred_at": (timezone.now() + timedelta(minutes=minutes)).isoformat(),
    }


def test_choosing_delivery_shows_pt_pos_fee_and_stores_the_address(office):
    application = paid_booking_today(office).application
    api = bearer(application.owner)
    response = api.put(delivery_url(application), {"method": "pos", **ADDRESS}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["method"] == "pos" and body["fee"] == 25_000 and body["phone"] == "+6281211112222"
    assert api.get(delivery_url(application)).json()["postal_code"] == "14350"


def test_delivery_to_papua_costs_more(office):
    application = paid_booking_today(office).application
    body = (
        bearer(application.owner)
        .put(delivery_url(application), {"method": "pos", **ADDRESS, "province": "Papua"}, format="json")
        .json()
    )
    assert body["fee"] == 60_000


def test_an_incomplete_or_wrong_address_is_refused_field_by_field(office):
    application = paid_booking_today(office).application
    response = bearer(application.owner).put(
        delivery_url(application), {"method": "pos", **ADDRESS, "postal_code": "143", "village": ""}, format="json"
    )
    assert response.status_code == 400 and set(response.json()["fields"]) == {"postal_code", "village"}


def test_an_address_typed_in_arabic_indic_digits_is_stored_in_ascii(office):
    application = paid_booking_today(office).application
    typed = {**ADDRESS, "phone": "٠٨١٢ ١١١١ ٢٢٢٢", "postal_code": "١٤٣٥٠"}
    body = bearer(application.owner).put(delivery_url(application), {"method": "pos", **typed}, format="json").json()
    assert (body["phone"], body["postal_code"]) == ("+6281211112222", "14350")


@pytest.mark.parametrize("field, value", [("phone", "+62８１２１１１１２２２２"), ("postal_code", "１４３５０")])
def test_the_database_refuses_an_address_number_in_other_digits(office, field, value):
    application = paid_booking_today(office).application
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    with pytest.raises(IntegrityError), transaction.atomic():
        DeliveryChoice.objects.filter(application=application).update(**{field: value})


def test_a_full_delivery_with_duplicate_and_out_of_order_events(office, staff, anon):
    application = printed(office, staff)
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    release(application, staff)
    application.refresh_from_db()
    shipment = Shipment.objects.get(application=application)
    assert application.status == "shipped" and shipment.tracking_number.startswith("P")
    tn = shipment.tracking_number
    received = event(tn, "manifest_received", 10)
    assert pos_notice(anon, received).json()["status"] == "recorded"
    assert pos_notice(anon, received).json()["status"] == "duplicate"
    pos_notice(anon, event(tn, "out_for_delivery", 60))
    pos_notice(anon, event(tn, "manifest_handed_over", 30))  # arrives late: must not undo "out for delivery"
    shipment.refresh_from_db()
    assert shipment.status == "out_for_delivery"
    pos_notice(anon, event(tn, "delivered", 90, location="Sunter Agung"))
    shipment.refresh_from_db()
    application.refresh_from_db()
    assert shipment.status == "delivered" and application.status == "delivered"
    assert (
        TrackingEvent.objects.filter(shipment=shipment).count() == 4
    )  # posted (poll) not yet, four callbacks kept once
    timeline = [
        e["action"] for e in bearer(application.owner).get(f"/api/v1/applications/{application.pk}/timeline/").json()
    ]
    assert timeline[-5:] == [
        "tracking_manifest_received",
        "tracking_out_for_delivery",
        "tracking_manifest_handed_over",
        "tracking_delivered",
        "deliver",
    ]
    tracking = bearer(application.owner).get(delivery_url(application)).json()["shipments"][0]
    assert tracking["status"] == "delivered" and len(tracking["events"]) == 4


def test_a_failed_delivery_returns_the_passport_and_the_applicant_chooses_again(office, staff, anon):
    application = printed(office, staff)
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    release(application, staff)
    tn = Shipment.objects.get(application=application).tracking_number
    pos_notice(anon, event(tn, "failed", 30, location="Alamat tidak ditemukan"))
    application.refresh_from_db()
    assert application.status == "ready"
    api = bearer(application.owner)
    assert api.get(delivery_url(application)).json()["method"] == "pickup"
    again = api.put(
        delivery_url(application), {"method": "pos", **ADDRESS, "address_line": "Jl. Mawar No. 1"}, format="json"
    )
    assert again.status_code == 200
    application.refresh_from_db()
    assert application.status == "shipped" and Shipment.objects.filter(application=application).count() == 2


def test_the_choice_is_locked_once_the_passport_has_shipped(office, staff):
    application = printed(office, staff)
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    release(application, staff)
    with domain_error("delivery_locked"):
        services.delivery_choose(application=application, actor=application.owner, method="pickup")


@pytest.mark.parametrize("tamper", ["unsigned", "wrong_secret", "stale"])
def test_an_unsigned_or_stale_tracking_notice_is_401(office, staff, anon, tamper):
    application = printed(office, staff)
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    release(application, staff)
    body = event(Shipment.objects.get().tracking_number, "delivered", 5)
    if tamper == "unsigned":
        response = anon.post("/api/v1/delivery/notifications/", body, format="json")
    else:
        response = pos_notice(
            anon,
            body,
            secret="x" if tamper == "wrong_secret" else None,
            timestamp=int(time.time()) - 600 if tamper == "stale" else None,
        )
    assert response.status_code == 401
    assert Shipment.objects.get().status == "posted" and not TrackingEvent.objects.exists()


def test_an_unknown_tracking_number_is_404(anon):
    assert pos_notice(anon, event("P0000000000", "delivered", 1)).status_code == 404


def test_the_poll_catches_events_whose_callback_never_came_and_is_idempotent(office, staff):
    application = printed(office, staff)
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    release(application, staff)
    tn = Shipment.objects.get().tracking_number
    simulator.advance(tn)  # manifest_received, but the callback is lost
    assert services.shipments_poll() == 2  # posted and manifest_received
    assert services.shipments_poll() == 0
    assert Shipment.objects.get().status == "manifest_received"


def test_collection_at_the_office_records_who_handed_it_to_whom(office, staff):
    application = printed(office, staff)
    release(application, staff)
    with domain_error("invalid"):
        casework.passport_hand_over(
            application=application,
            actor=staff[CUSTOMER_SERVICE],
            collector_name="Paman Budi",
            relation="attorney",
            collector_nik="123",
        )
    issuance = casework.passport_hand_over(
        application=application,
        actor=staff[CUSTOMER_SERVICE],
        collector_name="Paman Budi",
        relation="attorney",
        collector_nik="3171011708700001",
    )
    assert issuance.handed_over_by == staff[CUSTOMER_SERVICE] and issuance.collector_id_number == "3171011708700001"


def test_a_passport_not_collected_within_a_month_is_cancelled(office, staff):
    application = printed(office, staff)
    release(application, staff)
    assert casework.uncollected_cancel() == 0
    assert casework.uncollected_cancel(now=timezone.now() + timedelta(days=31)) == 1
    application.refresh_from_db()
    assert application.status == "cancelled"


@pytest.mark.django_db(transaction=True)
def test_the_http_adapter_speaks_to_the_simulator_over_real_http(live_server, settings):
    from delivery.pos import HttpGateway

    settings.POS_SIMULATOR_ENABLED = True
    gateway = HttpGateway(live_server.url + "/dev/pos/api", settings.POS_API_KEY)
    assert gateway.quote(province="Bali", postal_code="80234") == 25_000
    tn = gateway.create_shipment(reference="MP123", recipient=dict(ADDRESS))
    assert [e["status"] for e in gateway.track(tn)] == ["posted"]
    with pytest.raises(Exception, match="PT Pos"):
        HttpGateway(live_server.url + "/dev/pos/api", "wrong-key").quote(province="Bali", postal_code="80234")


class RecordingGateway:
    """The simulator, remembering whether each call to PT Pos came inside a transaction."""

    def __init__(self, down=False):
        self.inside, self.down = [], down
        self.real = pos.SimulatorGateway()

    def quote(self, **kwargs):
        self.inside.append(connection.in_atomic_block)
        return self.real.quote(**kwargs)

    def create_shipment(self, **kwargs):
        self.inside.append(connection.in_atomic_block)
        if self.down:
            raise DomainError("pos_unavailable", "down", status=503)
        return self.real.create_shipment(**kwargs)

    def track(self, tracking_number):
        self.inside.append(connection.in_atomic_block)
        return self.real.track(tracking_number)


@pytest.mark.django_db(transaction=True)
def test_pt_pos_is_never_called_inside_a_transaction_and_an_outage_at_release_is_caught_up_by_the_poll(
    office, staff, monkeypatch
):
    application = printed(office, staff)
    gateway = RecordingGateway(down=True)
    monkeypatch.setattr(pos, "gateway", lambda: gateway)
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    casework.passport_release(application=application, actor=staff[SUPERVISOR])
    application.refresh_from_db()
    shipment = Shipment.objects.get(application=application)
    assert application.status == "shipped" and shipment.status == "registering" and shipment.tracking_number is None
    gateway.down = False
    services.shipments_poll()
    shipment.refresh_from_db()
    assert shipment.status == "posted" and shipment.tracking_number.startswith("P")
    assert gateway.inside and not any(gateway.inside)  # quote, two registrations, tracking: all outside


def test_registering_a_shipment_twice_gives_one_parcel(office, staff):
    application = printed(office, staff)
    services.delivery_choose(application=application, actor=application.owner, method="pos", address=ADDRESS)
    release(application, staff)
    shipment = Shipment.objects.get(application=application)
    again = pos.gateway().create_shipment(reference=shipment.reference, recipient=shipment.recipient)
    assert again == shipment.tracking_number
    assert services.shipment_register(shipment_id=shipment.pk) is False  # registered already: nothing to do
