"""Messages to people, and the outbox that tells applicants about their steps.

E-mail today; SMS or WhatsApp behind the same `notify`. The audit log is the outbox: every
public entry that belongs to an application is told to its owner, at least once. What the
message says is up to the app that owns the action: each registers a composer
(`register_composer`), and the applicants app registers the one for every other step.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import AuditEntry, NotificationDelivery

logger = logging.getLogger(__name__)


def _email(user, subject: str, body: str, message_id: str | None) -> None:
    headers = {"Message-ID": message_id} if message_id else None
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers=headers).send()


def _sms_log(user, subject: str, body: str, message_id: str | None) -> None:
    # Stand-in for an SMS or WhatsApp provider: the same call, written to the log, the
    # number masked (a log is not the place for it).
    if user.phone:
        logger.info("SMS to %s: %s", mask_phone(user.phone), subject)


def mask_phone(phone: str) -> str:
    return phone[:4] + "*" * max(len(phone) - 7, 0) + phone[-3:] if len(phone) > 7 else "***"


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


@dataclass(frozen=True)
class Message:
    """What to tell whom about one audit entry."""

    recipient: object
    template: str
    context: dict = field(default_factory=dict)


Composer = Callable[[AuditEntry], Message | None]
_COMPOSERS: dict[str | None, Composer] = {}


def register_composer(action: str | None, composer: Composer) -> None:
    """`action` None: the composer of every step without one of its own."""
    _COMPOSERS[action] = composer


def _compose(entry: AuditEntry) -> Message | None:
    composer = _COMPOSERS.get(entry.action) or _COMPOSERS.get(None)
    return composer(entry) if composer else None


def message_id(entry: AuditEntry) -> str:
    """The same for every attempt to send one entry, so a repeat is recognisable as one."""
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "mpaspor.localhost"
    return f"<entry-{entry.pk}@{domain}>"


def deliver(entry_id: int) -> bool:
    """Tell the applicant about one public audit entry: at least once, and once when all goes well.

    The entry is claimed for a lease (`NOTIFICATION_LEASE_SECONDS`) by a conditional update,
    so two senders never send it at the same time; it is marked sent only after the send.
    A sender killed in between, or a channel that failed, leaves the claim to lapse and a
    later run sends it again.
    """
    entry = AuditEntry.objects.filter(pk=entry_id, public=True, application_id__isnull=False).first()
    if entry is None:
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
    message = _compose(entry)
    if message is not None and not notify(
        message.recipient, message.template, message.context, message_id=message_id(entry)
    ):
        return False  # the claim lapses and a later run tries again
    NotificationDelivery.objects.filter(entry=entry).update(sent_at=timezone.now())
    return True


def pending_entries(*, within_hours: int = 24, limit: int = 500) -> list[int]:
    """Public steps of the last day not yet told to the applicant and not claimed now, oldest first."""
    now = timezone.now()
    unsent = Q(notification__isnull=True) | Q(notification__sent_at__isnull=True, notification__claimed_until__lte=now)
    recent = AuditEntry.objects.filter(
        public=True, application_id__isnull=False, created_at__gte=now - timedelta(hours=within_hours)
    )
    return list(recent.filter(unsent).order_by("id").values_list("id", flat=True)[:limit])
