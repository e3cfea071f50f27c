from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueingConfig(AppConfig):
    name = "queueing"
    verbose_name = _("Offices, sessions and bookings")

    def ready(self):
        from applicants.services import register_change_follower
        from core.audit import register_labels
        from queueing.services import booking_follow_application

        register_change_follower(booking_follow_application)
        register_labels(
            {
                "reschedule": _("Appointment moved"),
                "special_reschedule": _("Appointment moved by the office"),
                "lane_changed": _("Place moved from the priority lane to a regular place"),
            }
        )
