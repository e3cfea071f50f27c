"""Queueing work after commit without letting a broker outage fail the request."""

import logging

logger = logging.getLogger(__name__)


def enqueue(task, *args) -> None:
    """Send `task` to the worker; if the broker is unreachable, run it here instead."""
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - any broker failure: degrade, do not fail the user's request
        logger.warning("broker unavailable; running %s in-process", task.name, exc_info=True)
        try:
            task.apply(args=args)
        except Exception:  # noqa: BLE001
            logger.exception("%s failed in-process", task.name)
