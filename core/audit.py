"""The audit trail every state change writes: who, what, from, to, why.

Each app registers what its actions mean to the applicant (`register_labels`), and how a
value in an entry's data reads in words (`register_value_labels`, e.g. a document kind).
"""

from __future__ import annotations

from collections.abc import Callable

from core.models import AuditEntry


def log_action(
    application,
    actor,
    action: str,
    *,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    data: dict | None = None,
    public: bool = True,
) -> AuditEntry:
    """One audit row. `application` is the application whose timeline it joins (the row or
    its id), or None."""
    return AuditEntry.objects.create(
        application_id=getattr(application, "pk", application),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data or {},
        public=public,
    )


ACTION_LABELS: dict[str, str] = {}
VALUE_LABELS: dict[str, Callable[[str], str]] = {}


def register_labels(labels: dict) -> None:
    ACTION_LABELS.update(labels)


def register_value_labels(**readers: Callable[[str], str]) -> None:
    VALUE_LABELS.update(readers)


# Which entries a staff member may read in the admin: the applicants app registers its office
# scope (this layer knows neither offices nor applications).
ENTRY_SCOPE: list[Callable] = []


def register_entry_scope(scope: Callable) -> None:
    ENTRY_SCOPE[:] = [scope]


def entries_visible_to(user, queryset):
    for scope in ENTRY_SCOPE:
        queryset = scope(user, queryset)
    return queryset


def action_label(entry: AuditEntry) -> str:
    """What happened, in words for the applicant's timeline."""
    label = str(ACTION_LABELS.get(entry.action, entry.action.replace("_", " ").capitalize()))
    data = entry.data if isinstance(entry.data, dict) else {}
    values = {key: read(str(data[key])) for key, read in VALUE_LABELS.items() if key in data}
    try:
        return label % values if "%(" in label else label
    except (KeyError, TypeError, ValueError):
        return label
