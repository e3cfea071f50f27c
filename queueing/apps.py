from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "queueing"
    verbose_name = _("Offices, sessions and bookings")

    def ready(self):
        from core.audit import register_labels

        register_labels({
            "reschedule": _("Appointment moved"),
            "special_reschedule": _("Appointment moved by the office"),
            "bill_renewed": _("New billing code issued"),
            "lane_changed": _("Place moved from the priority lane to a regular place"),
        })  # fmt: skip
