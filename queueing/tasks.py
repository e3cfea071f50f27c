"""Periodic housekeeping. Each task is idempotent; none is needed for correctness."""

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from queueing import services
from queueing.models import Office


@shared_task(ignore_result=True, time_limit=600)
def generate_sessions() -> int:
    """Keep sessions created a week beyond every office's booking horizon."""
    today = timezone.localdate()
    return sum(
        services.slots_generate(office=office, start=today, end=today + timedelta(days=office.booking_horizon_days + 7))
        for office in Office.objects.filter(is_active=True)
    )


@shared_task(ignore_result=True, time_limit=300)
def mark_no_shows() -> int:
    return services.bookings_mark_no_shows()
