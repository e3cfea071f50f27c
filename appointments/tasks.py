"""Housekeeping of appointments. Idempotent; a hold's deadline holds whether or not it runs."""

from celery import shared_task

from appointments import services


@shared_task(ignore_result=True, time_limit=300)
def expire_due_bookings() -> int:
    """Tidy unpaid holds past their deadline (they already stopped counting when it passed)."""
    return services.bookings_expire_due()


@shared_task(ignore_result=True, time_limit=600)
def draw_closed_releases() -> int:
    """Open the draws whose window opened (their commitment public) and make those that closed."""
    from appointments import draws
    from queueing import releases

    releases.releases_open_due()
    return draws.releases_allocate_due()


@shared_task(ignore_result=True, time_limit=300)
def offer_waitlist_places(release_id: int | None = None) -> int:
    """Offer freed places of drawn days to their waitlists; lapsed offers pass to the next."""
    from appointments import draws
    from queueing.models import QuotaRelease

    if release_id is None:
        return draws.waitlist_offer_due()
    release = QuotaRelease.objects.filter(pk=release_id).first()
    return draws.waitlist_offer(release=release) if release else 0
