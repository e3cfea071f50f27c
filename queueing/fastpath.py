"""Short-lived hints in the cache that keep a rush off the database.

The database stays the authority: a "full" flag only lets us refuse an attempt that the
database would refuse anyway, and it expires within seconds; a cancellation clears it at
once. Availability is cached per office for a few seconds and dropped on every change.
"""

from __future__ import annotations

from django.core.cache import cache


def _full_key(slot_id: int, lane: str) -> str:
    return f"slot-full:{slot_id}:{lane}"


def is_full(slot_id: int, lanes: list[str]) -> bool:
    keys = [_full_key(slot_id, lane) for lane in lanes]
    found = cache.get_many(keys)
    return len(found) == len(keys)


def mark_full(slot_id: int, lane: str, seconds: int) -> None:
    cache.set(_full_key(slot_id, lane), 1, timeout=seconds)


def clear_full(slot_id: int) -> None:
    cache.delete_many([_full_key(slot_id, "regular"), _full_key(slot_id, "priority")])


def availability_key(office_code: str) -> str:
    return f"availability:{office_code}"


def forget_availability(*office_codes: str) -> None:
    cache.delete_many([availability_key(code) for code in office_codes])
