from celery import shared_task

from delivery import services


@shared_task(ignore_result=True, time_limit=600, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=3)
def poll_shipments() -> int:
    """Catch tracking events whose callback never came. Stored once, so running twice is harmless."""
    return services.shipments_poll()
