from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Fees, bills and payments")

    def ready(self):
        from applicants.audit import register_labels

        register_labels({
            "payment_refund_due": _("Payment received after the deadline: it will be refunded"),
            "payment_refunded": _("Payment refunded"),
        })  # fmt: skip
