"""Housekeeping of appointments. Idempotent; a hold's deadline holds whether or not it runs."""

from celery import shared_task

from appointments import services


@shared_task(ignore_result=True, time_limit=300)
def expire_due_bookings() -> int:
    """Tidy unpaid holds past their deadline (they already stopped counting when it passed)."""
    return services.bookings_expire_due()
