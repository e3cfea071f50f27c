"""Every write about getting the passport to its owner: the choice, shipments, tracking.

PT Pos is called only outside a transaction: the fee is quoted before the choice is stored,
and a shipment is registered with PT Pos after the commit that created it (and again by
the periodic poll while PT Pos was away), under our own reference, which PT Pos answers
with the same parcel when asked twice.

Tracking events may arrive twice (callback and poll) or out of order: each event is stored
once, and the shipment's status is always that of its latest event, so an old event can
never undo a newer one.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from applicants import identity, workflow
from applicants.models import Application
from applicants.models import ApplicationStatus as S
from core import locks
from core.audit import log_action
from core.errors import DomainError
from delivery import pos
from delivery.models import PROGRESS, DeliveryChoice, Method, Shipment, ShipmentStatus, TrackingEvent, TrackingStatus
from delivery.workflow import SHIPMENTS, TRAVELLING

logger = logging.getLogger(__name__)

# The choice can change until the passport leaves the office (and again after a failed delivery).
CHOICE_OPEN = {
    S.DRAFT,
    S.SUBMITTED,
    S.BOOKED,
    S.EXPIRED,
    S.PAID,
    S.CHECKED_IN,
    S.INTERVIEWED,
    S.APPROVED,
    S.PRINTED,
    S.READY,
}
ADDRESS_FIELDS = ("recipient_name", "phone", "address_line", "village", "district", "city", "province", "postal_code")
INVALID = _("Some of the information is not valid. Please check the marked fields.")


def _clean_address(data: dict) -> tuple[dict, dict[str, list[str]]]:
    clean, errors = {}, {}
    for field in ADDRESS_FIELDS:
        value = " ".join(str(data.get(field) or "").split())
        if not value:
            errors[field] = [_("This field is required.")]
            continue
        try:
            if field == "recipient_name":
                value = identity.check_person_name(value)
            elif field == "phone":
                value = identity.check_phone(value)
            elif field == "postal_code":
                value = identity.check_postal_code(value)
        except identity.IdentityError as exc:
            errors[field] = [str(exc)]
            continue
        clean[field] = value
    return clean, errors


def delivery_choose(*, application: Application, actor, method: str, address: dict | None = None) -> DeliveryChoice:
    """Choose pickup or delivery. PT Pos's fee is asked first (no lock held), then stored."""
    if method not in Method.values:
        message = _("Choose pickup or delivery.")
        raise DomainError("invalid", message, fields={"method": [message]})
    clean, fee = {}, 0
    if method == Method.POS:
        clean, errors = _clean_address(address or {})
        if errors:
            raise DomainError("invalid", str(INVALID), fields=errors)
        fee = pos.gateway().quote(province=clean["province"], postal_code=clean["postal_code"])
    return _store_choice(application=application, actor=actor, method=method, clean=clean, fee=fee)


@locks.use_case
def _store_choice(*, application: Application, actor, method: str, clean: dict, fee: int) -> DeliveryChoice:
    application = locks.lock(Application.objects, application.pk)
    if actor.pk != application.owner_id and not actor.has_perm("applicants.hand_over_passport"):
        raise DomainError("permission_denied", _("You may not do this."), status=403)
    if application.status not in CHOICE_OPEN:
        message = _("The passport has already left the office or been collected.")
        raise DomainError("delivery_locked", message, status=409)
    choice, _created = DeliveryChoice.objects.get_or_create(application=application)
    for field, value in clean.items():
        setattr(choice, field, value)
    choice.method, choice.fee = method, fee
    choice.save()
    log_action(application, actor, "delivery_chosen", data={"method": method, "fee": fee})
    if application.status == S.READY and method == Method.POS:
        # The passport waits at the office: it goes to PT Pos now (a system step, not the applicant's).
        shipment_create(application=application, actor=None)
    return choice


def delivery_quote(*, address: dict) -> int:
    """PT Pos's fee for an address, after checking the address the way `delivery_choose` will."""
    clean, errors = _clean_address(address)
    if errors:
        raise DomainError("invalid", str(INVALID), fields=errors)
    return pos.gateway().quote(province=clean["province"], postal_code=clean["postal_code"])


def shipment_create(*, application: Application, actor) -> Shipment:
    """Hand the passport to PT Pos, inside the caller's use case with the application locked.

    The parcel is registered with PT Pos after this commits (`shipment_register`).
    """
    choice = DeliveryChoice.objects.get(application=application, method=Method.POS)
    recipient = {field: getattr(choice, field) for field in ADDRESS_FIELDS}
    shipment = Shipment.objects.create(application=application, fee=choice.fee, recipient=recipient)
    workflow.transition(application, "ship", actor, data={"shipment": shipment.pk})
    transaction.on_commit(lambda: shipment_register(shipment_id=shipment.pk))
    return shipment


def shipment_register(*, shipment_id: int) -> bool:
    """Register a shipment with PT Pos and store its tracking number. Never inside a
    transaction; safe to run twice (PT Pos answers our reference with the same parcel).
    A PT Pos that cannot be reached leaves the shipment to the next poll."""
    shipment = Shipment.objects.filter(pk=shipment_id, status=ShipmentStatus.REGISTERING).first()
    if shipment is None:
        return False
    Shipment.objects.filter(pk=shipment.pk).update(register_attempts=shipment.register_attempts + 1)
    try:
        tracking = pos.gateway().create_shipment(reference=shipment.reference, recipient=shipment.recipient)
    except DomainError as exc:
        logger.warning("shipment %s not registered with PT Pos yet: %s", shipment.pk, exc.code)
        return False
    return _store_registration(shipment_id=shipment.pk, tracking=tracking)


@locks.use_case
def _store_registration(*, shipment_id: int, tracking: str) -> bool:
    shipment = Shipment.objects.filter(pk=shipment_id).only("application_id").first()
    locks.lock(Application.objects, shipment.application_id)
    shipment = locks.lock(Shipment.objects, shipment_id)
    if not SHIPMENTS.can(shipment, "register"):
        return False
    SHIPMENTS.move(shipment, "register", data={"tracking_number": tracking}, also={"tracking_number": tracking})
    return True


def _rank(event) -> tuple:
    return (event.occurred_at, PROGRESS.index(event.status))


@locks.use_case
def tracking_record(
    *, tracking_number: str, status: str, location: str, occurred_at: datetime, source: str = "callback"
) -> tuple[TrackingEvent, bool]:
    """Store one tracking event; returns (event, whether it was new). Idempotent."""
    if status not in TrackingStatus.values:
        message = _("Unknown tracking status.")
        raise DomainError("invalid", message, fields={"status": [message]})
    found = Shipment.objects.filter(tracking_number=tracking_number).only("application_id").first()
    if found is None:
        raise DomainError("unknown_tracking_number", _("No shipment has this tracking number."), status=404)
    application = locks.lock(Application.objects, found.application_id)
    shipment = locks.lock(Shipment.objects, found.pk)
    existing = TrackingEvent.objects.filter(shipment=shipment, status=status, occurred_at=occurred_at).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            event = TrackingEvent.objects.create(
                shipment=shipment, status=status, location=location[:120], occurred_at=occurred_at, source=source
            )
    except IntegrityError:
        return TrackingEvent.objects.get(shipment=shipment, status=status, occurred_at=occurred_at), False
    latest = max(shipment.events.all(), key=_rank)
    data = {"tracking_number": tracking_number, "occurred_at": occurred_at.isoformat()}
    log_action(application, None, f"tracking_{status}", reason=location, data=data)
    if latest.pk == event.pk and shipment.status != status and SHIPMENTS.can(shipment, status):
        SHIPMENTS.move(shipment, status, data=data, also={"last_event_at": occurred_at})
        _follow(application, shipment)
    return event, True


def _follow(application: Application, shipment: Shipment) -> None:
    """Move the application when the parcel arrives, or back to the office when it cannot."""
    data = {"tracking_number": shipment.tracking_number}
    if shipment.status == ShipmentStatus.DELIVERED and workflow.MACHINE.can(application, "deliver"):
        workflow.transition(application, "deliver", None, data=data)
    elif shipment.status == ShipmentStatus.FAILED and workflow.MACHINE.can(application, "return_to_office"):
        workflow.transition(application, "return_to_office", None, data=data)
        # The applicant chooses again: pickup, or delivery to a better address.
        DeliveryChoice.objects.filter(application=application).update(method=Method.PICKUP, fee=0)


def shipments_poll() -> int:
    """Register shipments PT Pos has not accepted yet, and ask PT Pos for news on every parcel
    still travelling; returns events newly stored. Every call to PT Pos is outside a transaction."""
    for shipment_id in Shipment.objects.filter(status=ShipmentStatus.REGISTERING).values_list("pk", flat=True):
        shipment_register(shipment_id=shipment_id)
    new = 0
    gateway = pos.gateway()
    travelling = Shipment.objects.filter(status__in=TRAVELLING - {ShipmentStatus.REGISTERING})
    for shipment in travelling.exclude(tracking_number=None):
        for item in gateway.track(shipment.tracking_number):
            _event, created = tracking_record(
                tracking_number=shipment.tracking_number,
                status=item["status"],
                location=item.get("location", ""),
                occurred_at=datetime.fromisoformat(item["occurred_at"]),
                source="poll",
            )
            new += created
    return new
