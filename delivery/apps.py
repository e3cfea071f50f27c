from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = _("Delivery by PT Pos")

    def ready(self):
        from core.audit import register_labels

        register_labels(
            {
                "delivery_chosen": _("Pickup or delivery chosen"),
                "tracking_posted": _("PT Pos: posted at the counter"),
                "tracking_manifest_received": _("PT Pos: manifest received"),
                "tracking_manifest_handed_over": _("PT Pos: manifest handed over"),
                "tracking_out_for_delivery": _("PT Pos: out for delivery"),
                "tracking_delivered": _("PT Pos: delivered"),
                "tracking_failed": _("PT Pos: delivery failed"),
            }
        )
