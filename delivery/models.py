from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applicants import identity
from applicants.models import Application, PostalAddress, stored_form


class Method(models.TextChoices):
    PICKUP = "pickup", _("Pick up at the office")
    POS = "pos", _("Delivery by PT Pos")


class DeliveryChoice(PostalAddress):
    """How the applicant wants the passport: pickup, or delivery to an address by PT Pos."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="delivery")
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.PICKUP)
    recipient_name = models.CharField(_("recipient"), max_length=100, blank=True)
    phone = models.CharField(_("recipient's mobile number"), max_length=20, blank=True)
    fee = models.PositiveIntegerField(_("delivery fee (IDR)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery choice")
        verbose_name_plural = _("delivery choices")
        constraints = [
            stored_form("deliverychoice", "phone", identity.PHONE_PATTERN),
            stored_form("deliverychoice", "postal_code", identity.POSTAL_CODE_PATTERN),
        ]

    def __str__(self):
        return self.get_method_display()


class TrackingStatus(models.TextChoices):
    POSTED = "posted", _("Posted at the counter")
    MANIFEST_RECEIVED = "manifest_received", _("Manifest received")
    MANIFEST_HANDED_OVER = "manifest_handed_over", _("Manifest handed over")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Delivery failed")


# The order a parcel moves in (delivered and failed both end it).
PROGRESS = [s.value for s in TrackingStatus]


class ShipmentStatus(models.TextChoices):
    """A shipment is being registered with PT Pos, then follows the parcel's tracking."""

    REGISTERING = "registering", _("Being registered with PT Pos")
    POSTED = TrackingStatus.POSTED.value, TrackingStatus.POSTED.label
    MANIFEST_RECEIVED = TrackingStatus.MANIFEST_RECEIVED.value, TrackingStatus.MANIFEST_RECEIVED.label
    MANIFEST_HANDED_OVER = TrackingStatus.MANIFEST_HANDED_OVER.value, TrackingStatus.MANIFEST_HANDED_OVER.label
    OUT_FOR_DELIVERY = TrackingStatus.OUT_FOR_DELIVERY.value, TrackingStatus.OUT_FOR_DELIVERY.label
    DELIVERED = TrackingStatus.DELIVERED.value, TrackingStatus.DELIVERED.label
    FAILED = TrackingStatus.FAILED.value, TrackingStatus.FAILED.label


class Shipment(models.Model):
    """One parcel handed to PT Pos for an application."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="shipments")
    # Known once PT Pos has accepted the parcel (after the commit that created this row).
    tracking_number = models.CharField(_("tracking number"), max_length=40, unique=True, null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=ShipmentStatus.choices, default=ShipmentStatus.REGISTERING
    )
    register_attempts = models.PositiveSmallIntegerField(_("registration attempts"), default=0)
    fee = models.PositiveIntegerField(_("delivery fee (IDR)"))
    recipient = models.JSONField(_("recipient and address"))
    created_at = models.DateTimeField(_("handed to PT Pos"), default=timezone.now)
    last_event_at = models.DateTimeField(_("last event"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at"]

    def __str__(self):
        return self.tracking_number or f"{self.application_id} ({self.get_status_display()})"

    @property
    def reference(self) -> str:
        """Ours, sent with the parcel: PT Pos answers a repeated registration with the same parcel."""
        return f"MPASPOR-{self.pk}"


class TrackingEvent(models.Model):
    """A status report from PT Pos; the same event reported twice is stored once."""

    shipment = models.ForeignKey(Shipment, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(_("status"), max_length=24, choices=TrackingStatus.choices)
    location = models.CharField(_("location"), max_length=120, blank=True)
    occurred_at = models.DateTimeField(_("when"))
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    source = models.CharField(_("source"), max_length=10, default="callback")

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "status", "occurred_at"], name="one_event_per_status_and_time")
        ]

    def __str__(self):
        return f"{self.shipment} {self.status}"


class SimulatedParcel(models.Model):
    """The PT Pos simulator's own record of a parcel (development and tests only)."""

    tracking_number = models.CharField(max_length=40, unique=True)
    recipient = models.JSONField()
    events = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.tracking_number
