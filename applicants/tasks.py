from celery import shared_task


@shared_task(ignore_result=True, time_limit=300)
def cancel_uncollected() -> int:
    from applicants.casework import uncollected_cancel

    return uncollected_cancel()
