"""A process's short memory of reads that change rarely, for the hot paths."""

from __future__ import annotations

import threading

from cachetools import TTLCache

_MISSING = object()


class TimedMemo:
    """`get(key, read)`: what `read()` returned for `key` within the last `seconds`, None
    included; thread-safe (gunicorn threads share it). `clear()` forgets everything."""

    def __init__(self, seconds: float, maxsize: int = 4096):
        self._lock = threading.Lock()
        self._entries: TTLCache = TTLCache(maxsize=maxsize, ttl=seconds)

    def get(self, key, read):
        with self._lock:
            found = self._entries.get(key, _MISSING)
        if found is _MISSING:
            found = read()
            with self._lock:
                self._entries[key] = found
        return found

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
