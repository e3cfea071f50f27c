from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Fees, bills and payments")

    def ready(self):
        from billing.selectors import bill_reminder_message
        from core.audit import register_labels
        from core.outbox import register_composer

        register_composer("bill_reminder", bill_reminder_message)

        register_labels(
            {
                "payment_refund_due": _("Payment received but not applied: it will be refunded"),
                "payment_refunded": _("Payment refunded"),
                "bill_reminder": _("Reminder: the billing code expires soon"),
            }
        )
