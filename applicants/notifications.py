"""Messages to applicants. E-mail today; SMS or WhatsApp later behind the same `notify`."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applicants.tokens import email_verification_token

logger = logging.getLogger(__name__)


def _email(user, subject: str, body: str) -> None:
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _sms_log(user, subject: str, body: str) -> None:
    # Stand-in for an SMS or WhatsApp provider: the same call, written to the log.
    if user.phone:
        logger.info("SMS to %s: %s", user.phone, subject)


CHANNELS = {"email": _email, "sms": _sms_log, "whatsapp": _sms_log}


def notify(user, template: str, context: dict) -> None:
    """Send one message on every configured channel, in the person's own language.

    `template` names `templates/notifications/<template>_subject.txt` and `_body.txt`.
    A failing channel must not undo the action that caused the message, nor stop the others.
    """
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"notifications/{template}_subject.txt", context).split())
        body = render_to_string(f"notifications/{template}_body.txt", context)
    for name in settings.NOTIFICATION_CHANNELS:
        try:
            CHANNELS[name](user, subject, body)
        except Exception:  # noqa: BLE001 - logged; a message is not worth a failed action
            logger.exception("could not send %s to user %s by %s", template, user.pk, name)


def notify_status_change(entry) -> None:
    """Tell the applicant about one step of their application (a public audit entry)."""
    from applicants.audit import action_label

    application = entry.application
    with translation.override(getattr(application.owner, "language", None) or settings.LANGUAGE_CODE):
        label = action_label(entry)
    notify(application.owner, "status_changed", {
        "application": application, "entry": entry, "label": label,
        "link": settings.SITE_URL + reverse("application_detail", args=[application.pk]),
    })  # fmt: skip


def verification_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return settings.SITE_URL + reverse("verify_email", args=[uid, token])


def send_verification_email(user) -> None:
    notify(user, "verify_email", {"link": verification_link(user)})


def notify_document_rejected(document) -> None:
    application = document.application
    notify(
        application.owner,
        "document_rejected",
        {
            "application": application,
            "document": document,
            "link": settings.SITE_URL + reverse("application_documents", args=[application.pk]),
        },
    )


def deliver(entry_id: int) -> bool:
    """Tell the applicant about one public audit entry, at most once (claimed by a marker row)."""
    from django.db import IntegrityError, transaction

    from applicants.models import AuditEntry, NotificationSent

    entry = AuditEntry.objects.select_related("application__owner").filter(pk=entry_id, public=True).first()
    if entry is None or entry.application is None:
        return False
    try:
        with transaction.atomic():
            NotificationSent.objects.create(entry=entry)
    except IntegrityError:
        return False  # another run got there first
    notify_status_change(entry)
    return True


def pending_entries(*, within_hours: int = 24, limit: int = 500) -> list[int]:
    """Public steps of the last day not yet told to the applicant, oldest first."""
    from datetime import timedelta

    from django.utils import timezone

    from applicants.models import AuditEntry

    since = timezone.now() - timedelta(hours=within_hours)
    return list(
        AuditEntry.objects.filter(public=True, application__isnull=False, created_at__gte=since, notification__isnull=True)
        .order_by("id").values_list("id", flat=True)[:limit]
    )  # fmt: skip
