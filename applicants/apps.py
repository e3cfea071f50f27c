from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApplicantsConfig(AppConfig):
    name = "applicants"
    verbose_name = _("Applicants and applications")

    def ready(self):
        # The workflow labels its moves; credentials and security_events connect their signals.
        from applicants import credentials, notifications, security_events, workflow  # noqa: F401
        from core.audit import register_labels, register_value_labels
        from core.outbox import register_composer

        register_labels(notifications.ACTION_LABELS)
        register_value_labels(kind=notifications.document_kind_label)
        register_composer(None, notifications.status_change_message)
