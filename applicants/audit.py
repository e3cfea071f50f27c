"""The audit trail every state change writes: who, what, from, to, why."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from applicants.models import Application, AuditEntry, DocumentKind


def log_action(
    application: Application | None,
    actor,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
    public: bool = True,
) -> AuditEntry:
    return AuditEntry.objects.create(
        application=application,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
        public=public,
    )


# What each action means to the applicant. Other apps add theirs with `register_labels`.
ACTION_LABELS = {
    "application_created": gettext_lazy("Application started"),
    "application_updated": gettext_lazy("Application details changed"),
    "application_corrected_by_staff": gettext_lazy("Details corrected by an officer"),
    "document_uploaded": gettext_lazy("Document uploaded: %(kind)s"),
    "document_uploaded_by_staff": gettext_lazy("Document uploaded by an officer on your behalf: %(kind)s"),
    "document_removed": gettext_lazy("Document removed: %(kind)s"),
    "document_accepted": gettext_lazy("Document accepted: %(kind)s"),
    "document_rejected": gettext_lazy("Document rejected: %(kind)s"),
}


def register_labels(labels: dict) -> None:
    ACTION_LABELS.update(labels)


def action_label(entry: AuditEntry) -> str:
    """What happened, in words for the applicant's timeline."""
    label = str(ACTION_LABELS.get(entry.action, entry.action.replace("_", " ").capitalize()))
    kind = entry.data.get("kind") if isinstance(entry.data, dict) else None
    if kind and "%(kind)s" in label:
        label = label % {"kind": DocumentKind(kind).label if kind in DocumentKind.values else kind}
    return label
