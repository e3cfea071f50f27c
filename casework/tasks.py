from celery import shared_task

from casework.services import uncollected_cancel


@shared_task(ignore_result=True, time_limit=300)
def cancel_uncollected() -> int:
    """Passports not collected within the collection period are cancelled. Idempotent."""
    return uncollected_cancel()
