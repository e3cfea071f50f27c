"""Transactions and row locks, in one place and in one order.

Every use case (a request's or a task's unit of work) runs through `use_case`: one durable
transaction, never silently nested in another, with a short lock timeout; a lock that
stays busy is retried a few times, then answered "busy, try again" (503 with Retry-After),
as pretix does, rather than queueing requests behind a hot row or answering 500.

Inside it, rows are locked with `lock` / `lock_all`, which refuse to run outside a
transaction. Every writer takes its locks in this one order, so two never deadlock:

    application -> the account (its unpaid holds) -> its bills -> its bookings -> sessions (by id) -> the office

Network calls (PT Pos, e-mail) never happen inside a use case: before it, or after commit.
"""

from __future__ import annotations

import logging
import random
import time
from contextlib import contextmanager
from functools import wraps

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.utils.translation import gettext as _

from core.errors import DomainError

logger = logging.getLogger(__name__)

# lock_not_available (lock_timeout), deadlock_detected, serialization_failure
RETRYABLE = {"55P03", "40P01", "40001"}
ATTEMPTS = 3


def require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("Row locks are taken inside a transaction (a use case), never outside one.")


def lock(queryset, pk, *, also: tuple[str, ...] = ()):
    """The row `pk` of `queryset`, locked until the transaction ends (and only that row's table).

    `also`: related rows joined by `select_related` to lock in the same statement, in the
    order above (the application, then its account)."""
    require_transaction()
    return queryset.select_for_update(of=("self", *also)).get(pk=pk)


def lock_all(queryset) -> list:
    """Every row of `queryset`, locked in id order."""
    require_transaction()
    return list(queryset.select_for_update(of=("self",)).order_by("pk"))


@contextmanager
def lock_timeout(milliseconds: int):
    """For the rest of this transaction, wait at most this long for a row lock (PostgreSQL;
    SQLite serialises writers anyway and has no such setting).

    The setting rides in front of the transaction's first statement rather than costing a
    round trip of its own: in a rush every round trip is a wait for the CPU on both sides.
    """
    if connection.vendor != "postgresql":
        yield
        return
    setting = f"SET LOCAL lock_timeout = '{int(milliseconds)}ms'"
    pending = [True]

    def in_front(execute, sql, params, many, context):
        if not pending:
            return execute(sql, params, many, context)
        pending.clear()
        if many or getattr(context["cursor"].cursor, "name", None):  # a batch, a server-side cursor
            with connection.cursor() as cursor:
                cursor.execute(setting)
            return execute(sql, params, many, context)
        return execute(f"{setting}; {sql}", params, many, context)

    with connection.execute_wrapper(in_front):
        yield


def busy_error() -> DomainError:
    return DomainError("busy", _("The service is busy. Please try again in a moment."), status=503, retry_after=2)


def is_retryable(exc: BaseException) -> bool:
    return getattr(exc.__cause__, "pgcode", None) in RETRYABLE


def use_case(function):
    """Run `function` as one durable transaction with a lock timeout; retry when busy."""

    @wraps(function)
    def run(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                with transaction.atomic(durable=True):
                    with lock_timeout(settings.BOOKING_LOCK_TIMEOUT_MS):
                        return function(*args, **kwargs)
            except OperationalError as exc:
                if not is_retryable(exc):
                    raise
                logger.warning("%s busy (attempt %s of %s): %s", function.__name__, attempt, ATTEMPTS, exc)
                if attempt == ATTEMPTS:
                    raise busy_error() from None
                time.sleep(random.uniform(0.02, 0.1) * attempt)  # noqa: S311 - jitter, not secrecy
        raise AssertionError("unreachable")

    run.inner = function  # the same work inside a caller's transaction (another use case's)
    return run
