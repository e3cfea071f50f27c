from celery import shared_task

from applicants.models import AuditEntry
from applicants.notifications import notify_status_change


@shared_task(ignore_result=True, time_limit=60, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def notify_change(entry_id: int) -> None:
    entry = AuditEntry.objects.select_related("application__owner").filter(pk=entry_id, public=True).first()
    if entry is not None and entry.application is not None:
        notify_status_change(entry)


@shared_task(ignore_result=True, time_limit=300)
def cancel_uncollected() -> int:
    from applicants.casework import uncollected_cancel

    return uncollected_cancel()
