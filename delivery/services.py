"""Every write about getting the passport to its owner: the choice, shipments, tracking.

Tracking events may arrive twice (callback and poll) or out of order: each event is stored
once, and the shipment's status is always that of its latest event, so an old event can
never undo a newer one.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from applicants import identity, workflow
from applicants.models import Application
from applicants.models import ApplicationStatus as S
from core.audit import log_action
from core.errors import DomainError
from delivery import pos
from delivery.models import PROGRESS, DeliveryChoice, Method, Shipment, TrackingEvent, TrackingStatus

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


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update().get(pk=application.pk)


@transaction.atomic
def delivery_choose(*, application: Application, actor, method: str, address: dict | None = None) -> DeliveryChoice:
    """Choose pickup or delivery. The fee comes from PT Pos and is shown before confirming."""
    application = _lock(application)
    if actor.pk != application.owner_id and not actor.has_perm("applicants.hand_over_passport"):
        raise DomainError("permission_denied", _("You may not do this."), status=403)
    if application.status not in CHOICE_OPEN:
        raise DomainError(
            "delivery_locked", _("The passport has already left the office or been collected."), status=409
        )
    if method not in Method.values:
        message = _("Choose pickup or delivery.")
        raise DomainError("invalid", message, fields={"method": [message]})
    choice, _created = DeliveryChoice.objects.get_or_create(application=application)
    if method == Method.POS:
        clean, errors = _clean_address(address or {})
        if errors:
            raise DomainError(
                "invalid", _("Some of the information is not valid. Please check the marked fields."), fields=errors
            )
        fee = pos.gateway().quote(province=clean["province"], postal_code=clean["postal_code"])
        for field, value in clean.items():
            setattr(choice, field, value)
        choice.fee = fee
    else:
        choice.fee = 0
    choice.method = method
    choice.save()
    log_action(application, actor, "delivery_chosen", data={"method": method, "fee": choice.fee})
    if application.status == S.READY and method == Method.POS:
        # The passport waits at the office: it goes to PT Pos now (a system step, not the applicant's).
        shipment_create(application=application, actor=None)
    return choice


def delivery_quote(*, address: dict) -> int:
    """PT Pos's fee for an address, after checking the address the way `delivery_choose` will."""
    clean, errors = _clean_address(address)
    if errors:
        raise DomainError(
            "invalid", _("Some of the information is not valid. Please check the marked fields."), fields=errors
        )
    return pos.gateway().quote(province=clean["province"], postal_code=clean["postal_code"])


def shipment_create(*, application: Application, actor) -> Shipment:
    """Hand the passport to PT Pos. Called with the application locked, inside a transaction."""
    choice = DeliveryChoice.objects.get(application=application, method=Method.POS)
    recipient = {field: getattr(choice, field) for field in ADDRESS_FIELDS}
    tracking = pos.gateway().create_shipment(reference=application.number, recipient=recipient)
    shipment = Shipment.objects.create(
        application=application, tracking_number=tracking, fee=choice.fee, recipient=recipient
    )
    workflow.transition(application, "ship", actor, data={"tracking_number": tracking})
    return shipment


def _rank(event) -> tuple:
    return (event.occurred_at, PROGRESS.index(event.status))


def tracking_record(*, tracking_number: str, status: str, location: str, occurred_at: datetime,
                    source: str = "callback") -> tuple[TrackingEvent, bool]:  # fmt: skip
    """Store one tracking event; returns (event, whether it was new). Idempotent."""
    if status not in TrackingStatus.values:
        message = _("Unknown tracking status.")
        raise DomainError("invalid", message, fields={"status": [message]})
    with transaction.atomic():
        found = Shipment.objects.filter(tracking_number=tracking_number).only("application_id").first()
        if found is None:
            raise DomainError("unknown_tracking_number", _("No shipment has this tracking number."), status=404)
        application = _lock(Application.objects.get(pk=found.application_id))
        shipment = Shipment.objects.select_for_update().get(pk=found.pk)
        existing = TrackingEvent.objects.filter(shipment=shipment, status=status, occurred_at=occurred_at).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                event = TrackingEvent.objects.create(shipment=shipment, status=status, location=location[:120],
                                                     occurred_at=occurred_at, source=source)  # fmt: skip
        except IntegrityError:
            return TrackingEvent.objects.get(shipment=shipment, status=status, occurred_at=occurred_at), False
        latest = max(shipment.events.all(), key=_rank)
        log_action(application, None, f"tracking_{status}", reason=location,
                   data={"tracking_number": tracking_number, "occurred_at": occurred_at.isoformat()})  # fmt: skip
        if latest.pk == event.pk and shipment.status != status:
            shipment.status, shipment.last_event_at = status, occurred_at
            shipment.save(update_fields=["status", "last_event_at"])
            _follow(application, shipment)
        return event, True


def _follow(application: Application, shipment: Shipment) -> None:
    """Move the application when the parcel arrives, or back to the office when it cannot."""
    if shipment.status == TrackingStatus.DELIVERED and application.status == S.SHIPPED:
        workflow.transition(application, "deliver", None, data={"tracking_number": shipment.tracking_number})
    elif shipment.status == TrackingStatus.FAILED and application.status == S.SHIPPED:
        workflow.transition(application, "return_to_office", None, data={"tracking_number": shipment.tracking_number})
        # The applicant chooses again: pickup, or delivery to a better address.
        DeliveryChoice.objects.filter(application=application).update(method=Method.PICKUP, fee=0)


def shipments_poll() -> int:
    """Ask PT Pos for news on every parcel still travelling; returns events newly stored."""
    new = 0
    gateway = pos.gateway()
    for shipment in Shipment.objects.exclude(status__in=[TrackingStatus.DELIVERED, TrackingStatus.FAILED]):
        for item in gateway.track(shipment.tracking_number):
            _event, created = tracking_record(
                tracking_number=shipment.tracking_number, status=item["status"], location=item.get("location", ""),
                occurred_at=datetime.fromisoformat(item["occurred_at"]), source="poll",
            )  # fmt: skip
            new += created
    return new
