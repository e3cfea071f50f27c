"""Short-lived hints that keep a rush off the database.

The database stays the authority: a "full" hint only lets us refuse an attempt that the
database would refuse anyway, and it never outlives the first unpaid hold that could
lapse (see `services._hint_full`); a cancellation clears it at once. The availability
answer of an office is kept ready for a few seconds and dropped on every change.

Two layers: Redis, shared by every process, and a memo in this process for at most
FASTPATH_LOCAL_SECONDS (one second by default), because a round trip to Redis costs
more Python time than the rest of a refusal. A change made in this process clears its
memo at once; another process sees it within that second.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

_memo: dict[str, tuple[float, object]] = {}


def _remember(key: str, value, seconds: float) -> None:
    _memo[key] = (time.monotonic() + min(seconds, settings.FASTPATH_LOCAL_SECONDS), value)


def _recall(key: str):
    item = _memo.get(key)
    if item is not None and item[0] > time.monotonic():
        return item[1]
    return None


def _forget(*keys: str) -> None:
    for key in keys:
        _memo.pop(key, None)


def _full_key(slot_id: int, lane: str) -> str:
    return f"slot-full:{slot_id}:{lane}"


def is_full(slot_id: int, lanes: list[str]) -> bool:
    keys = [_full_key(slot_id, lane) for lane in lanes]
    if all(_recall(key) for key in keys):
        return True
    found = cache.get_many(keys)
    if len(found) != len(keys):
        return False
    for key in keys:
        _remember(key, True, settings.FASTPATH_LOCAL_SECONDS)
    return True


def mark_full(slot_id: int, lane: str, seconds: int) -> None:
    key = _full_key(slot_id, lane)
    cache.set(key, 1, timeout=seconds)
    _remember(key, True, seconds)


def clear_full(slot_id: int) -> None:
    keys = [_full_key(slot_id, "regular"), _full_key(slot_id, "priority")]
    cache.delete_many(keys)
    _forget(*keys)


def availability_key(office_code: str) -> str:
    return f"availability:{office_code}"


def document_key(office_code: str) -> str:
    return f"availability-doc:{office_code}"


def _stale_key(office_code: str) -> str:
    return f"availability-stale:{office_code}"


def _rebuild_key(office_code: str) -> str:
    return f"availability-rebuild:{office_code}"


def forget_availability(*office_codes: str) -> None:
    """A place was taken or freed: the ready answers go; the stale copy stays for readers
    who arrive while one process rebuilds."""
    keys = [availability_key(code) for code in office_codes] + [document_key(code) for code in office_codes]
    cache.delete_many(keys)
    _forget(*keys)


def cached_document(office_code: str) -> bytes | None:
    """The whole availability answer of an office, ready to send, or None: build it.

    After a change, the first reader to ask rebuilds it; for the few milliseconds that
    takes, other readers get the previous answer rather than all rebuilding at once.
    """
    key = document_key(office_code)
    body = _recall(key)
    if body is None:
        body = cache.get(key)
        if body is not None:
            _remember(key, body, settings.AVAILABILITY_CACHE_SECONDS)
        elif not cache.add(_rebuild_key(office_code), 1, timeout=2):
            body = cache.get(_stale_key(office_code))  # someone else is rebuilding it
    return body


def store_document(office_code: str, body: bytes, seconds: int) -> None:
    key = document_key(office_code)
    cache.set(key, body, timeout=seconds)
    cache.set(_stale_key(office_code), body, timeout=60)
    cache.delete(_rebuild_key(office_code))
    _remember(key, body, seconds)
