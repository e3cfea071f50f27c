"""The applicant's own messages: e-mail confirmation, rejected documents, and what every step
of an application says (the outbox's default composer, registered in `apps.py`)."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy

from applicants.models import Application, DocumentKind
from applicants.tokens import email_verification_token
from core.audit import action_label
from core.outbox import Message, notify

# Steps the applicant took themselves and sees on the page at once: no message each. The
# submission's message lists every document instead (one summary, not one e-mail per upload).
# The same for the draw's own steps the applicant sees at once, and for a draw won (the
# booking's message, with the bill and its deadline, says it).
QUIET_ACTIONS = {
    "document_uploaded",
    "draw_entered",
    "draw_changed",
    "draw_withdrawn",
    "draw_won",
    "waitlist_joined",
    "waitlist_left",
}


def status_change_message(entry) -> Message | None:
    """Tell the applicant about one step of their application (a public audit entry)."""
    if entry.action in QUIET_ACTIONS:
        return None
    application = Application.objects.select_related("owner").filter(pk=entry.application_id).first()
    if application is None:
        return None
    if application.assisted_by_id and (
        application.handed_over_at is None or entry.created_at < application.handed_over_at
    ):
        # Steps done with the applicant at the desk: the handover message says it once.
        return None
    with translation.override(getattr(application.owner, "language", None) or settings.LANGUAGE_CODE):
        label = action_label(entry)
    link = settings.SITE_URL + reverse("application_detail", args=[application.pk])
    context = {"application": application, "entry": entry, "label": label, "link": link}
    if entry.action == "submit":
        context["documents"] = list(application.documents.order_by("created_at"))
    return Message(application.owner, "status_changed", context)


def verification_link(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = email_verification_token.make_token(user)
    return settings.SITE_URL + reverse("verify_email", args=[uid, token])


def send_verification_email(user) -> None:
    notify(user, "verify_email", {"link": verification_link(user)})


def send_account_exists_notice(user) -> None:
    """Someone registered with an address that has an account. At most one notice an hour, so
    repeated attempts cannot flood the owner's mailbox."""
    if caches["counters"].add(f"account-exists-notice:{user.pk}", 1, timeout=3600):
        site = settings.SITE_URL
        notify(user, "account_exists", {"sign_in": site + reverse("login"), "reset": site + reverse("password_reset")})


def notify_document_rejected(document) -> None:
    application = document.application
    link = settings.SITE_URL + reverse("application_documents", args=[application.pk])
    notify(application.owner, "document_rejected", {"application": application, "document": document, "link": link})


# What the applicants app's own actions mean to the applicant (the workflow's moves are
# labelled beside their table).
ACTION_LABELS = {
    "application_created": gettext_lazy("Application started"),
    "application_updated": gettext_lazy("Application details changed"),
    "application_corrected_by_staff": gettext_lazy("Details corrected by an officer"),
    "document_uploaded": gettext_lazy("Document uploaded: %(kind)s"),
    "document_uploaded_by_staff": gettext_lazy("Document uploaded by an officer on your behalf: %(kind)s"),
    "document_removed": gettext_lazy("Document removed: %(kind)s"),
    "document_accepted": gettext_lazy("Document accepted: %(kind)s"),
    "document_rejected": gettext_lazy("Document rejected: %(kind)s"),
    "assisted_started": gettext_lazy("Application started with you at the office by customer service"),
    "assisted_handed_over": gettext_lazy("Application handed over to you to continue on your phone"),
}


def document_kind_label(kind: str) -> str:
    return str(DocumentKind(kind).label) if kind in DocumentKind.values else kind
