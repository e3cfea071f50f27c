"""Short-lived hints that keep a rush off the database.

The database stays the authority: a "full" hint only lets us refuse an attempt that the
database would refuse anyway, and it never outlives the first unpaid hold that could
lapse (see `services._hint_full`); a cancellation clears it at once. The availability
answer of an office is kept ready for a few seconds and dropped on every change.

Two layers: Redis, shared by every process, and a memo in this process for at most
FASTPATH_LOCAL_SECONDS (one second by default), because a round trip to Redis costs
more Python time than the rest of a refusal. The memo is a bounded TTL cache (the
oldest entries go first past `MEMO_SIZE`), so it never grows with the number of
sessions seen. A change made in this process clears its memo at once; another process
sees it within that second.

This module is the only one that writes these hints; the selectors compute, and hand
their answers here to keep.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from cachetools import TTLCache
from django.conf import settings
from django.core.cache import cache

MEMO_SIZE = 4096


class _Memo:
    """TTLCache is not thread-safe; a lock makes it so (threaded servers, the tests)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cache = None

    def clear(self) -> None:
        with self._lock:
            self._cache = None

    def _entries(self) -> TTLCache:
        # Made on first use, when the settings are ready (and again after `clear`).
        if self._cache is None:
            self._cache = TTLCache(maxsize=MEMO_SIZE, ttl=settings.FASTPATH_LOCAL_SECONDS)
        return self._cache

    def get(self, key):
        with self._lock:
            return self._entries().get(key)

    def set(self, key, value) -> None:
        with self._lock:
            self._entries()[key] = value

    def forget(self, *keys) -> None:
        with self._lock:
            for key in keys:
                self._entries().pop(key, None)


_memo = _Memo()


def _full_key(slot_id: int, lane: str) -> str:
    return f"slot-full:{slot_id}:{lane}"


def is_full(slot_id: int, lanes: list[str]) -> bool:
    keys = [_full_key(slot_id, lane) for lane in lanes]
    if all(_memo.get(key) for key in keys):
        return True
    found = cache.get_many(keys)
    if len(found) != len(keys):
        return False
    for key in keys:
        _memo.set(key, True)
    return True


def mark_full(slot_id: int, lane: str, seconds: int) -> None:
    key = _full_key(slot_id, lane)
    cache.set(key, 1, timeout=seconds)
    _memo.set(key, True)


def clear_full(slot_id: int) -> None:
    keys = [_full_key(slot_id, "regular"), _full_key(slot_id, "priority")]
    cache.delete_many(keys)
    _memo.forget(*keys)


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
    _memo.forget(*keys)


def cached_document(office_code: str) -> bytes | None:
    """The whole availability answer of an office, ready to send, or None: build it.

    After a change, the first reader to ask rebuilds it; for the few milliseconds that
    takes, other readers get the previous answer rather than all rebuilding at once.
    """
    key = document_key(office_code)
    body = _memo.get(key)
    if body is None:
        body = cache.get(key)
        if body is not None:
            _memo.set(key, body)
        elif not cache.add(_rebuild_key(office_code), 1, timeout=2):
            body = cache.get(_stale_key(office_code))  # someone else is rebuilding it
    return body


def store_document(office_code: str, body: bytes, seconds: int | None = None) -> None:
    seconds = settings.AVAILABILITY_CACHE_SECONDS if seconds is None else seconds
    key = document_key(office_code)
    cache.set(key, body, timeout=seconds)
    cache.set(_stale_key(office_code), body, timeout=60)
    cache.delete(_rebuild_key(office_code))
    _memo.set(key, body)


def availability_days(office_code: str, compute: Callable[[], list]) -> list:
    """The office's per-date fragments, kept a few seconds; `compute` builds them when absent."""
    key = availability_key(office_code)
    days = cache.get(key)
    if days is None:
        days = compute()
        cache.set(key, days, timeout=settings.AVAILABILITY_CACHE_SECONDS)
    return days
