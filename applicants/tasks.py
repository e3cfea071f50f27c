from celery import shared_task

from applicants.credentials import tokens_flush_expired


@shared_task(ignore_result=True, time_limit=600)
def flush_expired_tokens() -> int:
    """Daily tidy of the token tables; safe to run twice or late (expired tokens fail on their own)."""
    return tokens_flush_expired()
