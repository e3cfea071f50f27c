from celery import shared_task

from core.outbox import deliver, pending_entries


@shared_task(ignore_result=True, time_limit=300)
def send_notifications() -> int:
    """The outbox: tell applicants about public steps not yet sent. Running twice sends nothing twice."""
    return sum(deliver(entry_id) for entry_id in pending_entries())
