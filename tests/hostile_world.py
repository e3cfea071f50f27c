"""A small world with one of everything, and every URL of the portal filled in with it.

Used by the hostile-input sweep: each route is resolved with real ids (an application of the
applicant's, a document, an office, a tracking number), and every admin page is listed from
the admin's registry, so a new route or model admin is swept without anyone remembering to.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver


@dataclass
class World:
    applicant: object
    staff: object
    application: object
    document: object
    office: object
    booking: object
    shipment_tracking: str
    draw_day: str = ""

    def kwargs_for(self, name: str) -> str | None:
        values = {
            "application_id": str(self.application.pk),
            "document_id": str(self.document.pk),
            "code": self.office.code,
            "tracking_number": self.shipment_tracking,
            "uidb64": "MQ",
            "token": "set-password",
            "step": "personal",
            "day": self.draw_day,
        }
        return values.get(name)


def build_world(stage: str = "paid") -> World:
    """`submitted`: ready to book; `paid`: booked, paid, to be delivered by PT Pos."""
    from appointments import payments as receiving
    from appointments import services as appointments
    from billing import simulator
    from delivery import services as delivery_services
    from tests.conftest import attach
    from tests.factories import StaffFactory, make_office, make_slot, ready_application

    office = make_office()
    slot = make_slot(office, capacity=5)
    application = ready_application()
    attach(application, "ktp")
    booking = None
    if stage == "paid":
        booking = appointments.booking_create(application=application, slot=slot, actor=application.owner)
        body = simulator.notification(billing_code=booking.bill.code, amount=booking.bill.amount)
        receiving.payment_record(**{**body, "paid_at": booking.bill.issued_at})
        application.refresh_from_db()
        address = {
            "recipient_name": "Budi Santoso",
            "phone": "+6281234567890",
            "address_line": "Jl. Merdeka 1",
            "village": "Gambir",
            "district": "Gambir",
            "city": "Jakarta Pusat",
            "province": "DKI Jakarta",
            "postal_code": "10110",
        }
        delivery_services.delivery_choose(
            application=application, actor=application.owner, method="pos", address=address
        )
    # An open draw of a later day, so the draw's pages and API are swept with a real release.
    from django.utils import timezone

    from queueing import releases

    draw_slot = make_slot(office, days_ahead=3, capacity=5)
    releases.release_open(office=office, day=draw_slot.date, opens_at=timezone.now())
    return World(
        draw_day=draw_slot.date.isoformat(),
        applicant=application.owner,
        staff=StaffFactory(email="root@office.go.id", is_superuser=True),
        application=application,
        document=application.documents.first(),
        office=office,
        booking=booking,
        shipment_tracking="POS0000000001",
    )


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def site_paths(world: World) -> list[str]:
    """Every non-admin route, with its converters filled from the world."""
    import re

    out = []
    for route, _entry in _walk(get_resolver().url_patterns):
        if route.startswith("admin/") or route.startswith("^") or "(?P" in route:
            continue
        missing = False

        def fill(match):
            nonlocal missing
            value = world.kwargs_for(match.group(2))
            if value is None:
                missing = True
                return "x"
            return value

        path = re.sub(r"<(?:(\w+):)?(\w+)>", fill, route)
        if not missing:
            out.append("/" + path)
    return sorted(set(out))


def admin_paths(world: World) -> list[str]:
    """The changelist, add, change, history and delete pages of every registered model."""
    out = ["/admin/", "/admin/password_change/"]
    for model in admin.site._registry:
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        out += [base, base + "add/"]
        obj = model._default_manager.order_by("pk").first()
        if obj is not None:
            out += [f"{base}{obj.pk}/change/", f"{base}{obj.pk}/history/", f"{base}{obj.pk}/delete/"]
        out.append(f"{base}{uuid.uuid4()}/change/")
    return out
