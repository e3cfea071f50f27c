from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    verbose_name = _("Appointments: a place and its fee")

    def ready(self):
        from core.audit import register_labels

        register_labels({"bill_renewed": _("New billing code issued")})
