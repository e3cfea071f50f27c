import json
from datetime import timedelta

import pytest
from django.utils import timezone

from appointments import services as appointments
from billing import simulator
from core.signing import signed_headers
from tests.factories import make_office, make_slot, ready_application
from tests.helpers import committed

NOTIFY = "/api/v1/payments/notifications/"


@pytest.fixture
def office():
    return make_office()


@pytest.fixture
def slot(office):
    return make_slot(office, capacity=1, priority_capacity=0)


@pytest.fixture
def booking(slot):
    application = ready_application()
    return committed(appointments.booking_create, application=application, slot=slot, actor=application.owner)


def notify(client, body: dict, *, secret=None, timestamp=None, raw: bytes | None = None):
    from django.conf import settings

    raw = raw if raw is not None else json.dumps(body, default=str).encode()
    headers = signed_headers(secret or settings.PAYMENT_WEBHOOK_SECRET, raw, timestamp)
    return client.post(
        NOTIFY,
        data=raw,
        content_type="application/json",
        HTTP_X_TIMESTAMP=headers["X-Timestamp"],
        HTTP_X_SIGNATURE=headers["X-Signature"],
    )


def paid(bill, *, minutes_after_issue=1, **overrides):
    body = simulator.notification(
        billing_code=bill.code, amount=bill.amount, paid_at=bill.issued_at + timedelta(minutes=minutes_after_issue)
    )
    return {**body, **overrides}


def past(booking, seconds=1):
    """Move a booking's deadline into the past, as if its time had run out.

    Real time passing would also have ended any "full" hint for its session (those never
    outlive the first lapsing hold), so the hint goes too.
    """
    from django.conf import settings

    from queueing import hints
    from queueing.models import Booking

    hints.clear_full(booking.slot_id)
    deadline = timezone.now() - timedelta(seconds=seconds)
    Booking.objects.filter(pk=booking.pk).update(hold_until=deadline)
    issued = deadline - timedelta(seconds=settings.BILL_TTL_SECONDS)
    booking.bill.__class__.objects.filter(pk=booking.bill_id).update(issued_at=issued, expires_at=deadline)
    booking.refresh_from_db()
    booking.bill.refresh_from_db()
    return booking
