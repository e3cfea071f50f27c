"""Messages to applicants. E-mail today; SMS or WhatsApp later behind the same `notify`."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from applicants.tokens import email_verification_token

logger = logging.getLogger(__name__)


def _email(user, subject: str, body: str, message_id: str | None) -> None:
    headers = {"Message-ID": message_id} if message_id else None
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers).send()


def _sms_log(user, subject: str, body: str, message_id: str | None) -> None:
    # Stand-in for an SMS or WhatsApp provider: the same call, written to the log.
    if user.phone:
        logger.info("SMS to %s: %s", user.phone, subject)


CHANNELS = {"email": _email, "sms": _sms_log, "whatsapp": _sms_log}


def notify(user, template: str, context: dict, *, message_id: str | None = None) -> bool:
    """Send one message on every configured channel, in the person's own language.

    `template` names `templates/notifications/<template>_subject.txt` and `_body.txt`.
    A failing channel must not undo the action that caused the message, nor stop the
    others; the answer says whether every channel took it, so the outbox can try again.
    """
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        context = {"user": user, "site_url": settings.SITE_URL, **context}
        subject = " ".join(render_to_string(f"notifications/{template}_subject.txt", context).split())
        body = render_to_string(f"notifications/{template}_body.txt", context)
    delivered = True
    for name in settings.NOTIFICATION_CHANNELS:
        try:
            CHANNELS[name](user, subject, body, message_id)
        except Exception:  # noqa: BLE001 - logged; a message is not worth a failed action
            logger.exception("could not send %s to user %s by %s", template, user.pk, name)
            delivered = False
    return delivered


def notify_status_change(entry) -> bool:
    """Tell the applicant about one step of their application (a public audit entry)."""
    from applicants.audit import action_label

    application = entry.application
    with translation.override(getattr(application.owner, "language", None) or settings.LANGUAGE_CODE):
        label = action_label(entry)
    template, extra = _TEMPLATES.get(entry.action, ("status_changed", lambda entry: {}))
    return notify(application.owner, template, {
        "application": application, "entry": entry, "label": label,
        "link": settings.SITE_URL + reverse("application_detail", args=[application.pk]), **extra(entry),
    }, message_id=_message_id(entry))  # fmt: skip


def _reminder_context(entry) -> dict:
    from billing.models import Bill

    bill = Bill.objects.filter(code=entry.data.get("billing_code")).first()
    return {"bill": bill, "link": settings.SITE_URL + reverse("bill_page", args=[entry.application_id])}


# Steps that have a message of their own; every other step uses `status_changed`.
_TEMPLATES = {"bill_reminder": ("bill_reminder", _reminder_context)}


def _message_id(entry) -> str:
    """The same for every attempt to send one entry, so a repeat is recognisable as one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "mpaspor.localhost"
    return f"<entry-{entry.pk}@{domain}>"


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
    """Tell the applicant about one public audit entry: at least once, and once when all goes well.

    The entry is claimed for a lease (`NOTIFICATION_LEASE_SECONDS`) by a conditional update,
    so two senders never send it at the same time; it is marked sent only after the send.
    A sender killed in between, or a channel that failed, leaves the claim to lapse and a
    later run sends it again.
    """
    from applicants.models import AuditEntry, NotificationDelivery

    entry = AuditEntry.objects.select_related("application__owner").filter(pk=entry_id, public=True).first()
    if entry is None or entry.application is None:
        return False
    now = timezone.now()
    NotificationDelivery.objects.bulk_create([NotificationDelivery(entry=entry)], ignore_conflicts=True)
    claimed = (
        NotificationDelivery.objects.filter(entry=entry, sent_at__isnull=True)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lte=now))
        .update(claimed_until=now + timedelta(seconds=settings.NOTIFICATION_LEASE_SECONDS), attempts=F("attempts") + 1)
    )
    if not claimed:
        return False  # sent already, or another sender holds it
    if not notify_status_change(entry):
        return False  # the claim lapses and a later run tries again
    NotificationDelivery.objects.filter(entry=entry).update(sent_at=timezone.now())
    return True


def pending_entries(*, within_hours: int = 24, limit: int = 500) -> list[int]:
    """Public steps of the last day not yet told to the applicant and not claimed now, oldest first."""
    from applicants.models import AuditEntry

    now = timezone.now()
    unsent = Q(notification__isnull=True) | Q(notification__sent_at__isnull=True, notification__claimed_until__lte=now)
    return list(
        AuditEntry.objects.filter(public=True, application__isnull=False, created_at__gte=now - timedelta(hours=within_hours))
        .filter(unsent).order_by("id").values_list("id", flat=True)[:limit]
    )  # fmt: skip
