"""The project's Redis cache: django-redis, made to survive Redis being away.

Redis holds hints and counters, never the truth, so a Redis outage must cost speed, not
answers. Every operation that meets a Redis error opens a short circuit (one second by
default): for that time no call goes to Redis at all, so requests do not each pay a
connection attempt. What an operation does meanwhile depends on the cache's `DEGRADE`
option:

- `"miss"` (the `default` cache: availability documents, "full" hints): reads miss and
  writes are dropped, so callers fall back to PostgreSQL, the authority.
- `"local"` (the `counters` cache: rate limits, sign-in guard): the operation goes to a
  memory cache in this process instead. Limits are then counted per process, so they loosen
  by the number of processes but never switch off, and nobody is refused because Redis
  is away. This is the documented choice for rate limits during an outage.

django-redis keeps one client per connection pool (Django's own Redis cache builds a new
client per call, which costs more than the round trip). Its `IGNORE_EXCEPTIONS` only knows
"miss", which would switch rate limits off during an outage, so errors are let through to
the breaker here instead.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache as DjangoRedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


# What a "miss" cache answers for each operation while Redis is away.
_MISS = {
    "get": lambda *a, default=None, **k: default,
    "get_many": lambda *a, **k: {},
    "has_key": lambda *a, **k: False,
    "add": lambda *a, **k: False,
    "set": lambda *a, **k: None,
    "set_many": lambda keys, *a, **k: list(keys),
    "touch": lambda *a, **k: False,
    "delete": lambda *a, **k: False,
    "delete_many": lambda *a, **k: None,
    "clear": lambda *a, **k: False,
}


def _incr_miss(key, delta=1, version=None):
    raise ValueError(f"Key '{key}' not found")  # as Django answers for a missing key


class RedisCache(DjangoRedisCache):
    """django-redis with a short circuit breaker and a chosen way to degrade."""

    def __init__(self, server, params):
        options = dict(params.get("OPTIONS", {}))
        self._degrade = options.pop("DEGRADE", "miss")
        self._break_seconds = float(options.pop("BREAK_SECONDS", 1.0))
        # Fail fast rather than hang a request on an unreachable host.
        options.setdefault("SOCKET_CONNECT_TIMEOUT", 0.5)
        options.setdefault("SOCKET_TIMEOUT", 0.5)
        options["IGNORE_EXCEPTIONS"] = False  # the breaker below decides
        super().__init__(server, {**params, "OPTIONS": options})
        self._down_until = 0.0
        self._last_warning = 0.0
        self._local = LocMemCache(f"fallback-{id(self)}", {"TIMEOUT": params.get("TIMEOUT", 300)})

    @property
    def available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _fallback(self, name, *args, **kwargs):
        if self._degrade == "local":
            return getattr(self._local, name)(*args, **kwargs)
        if name == "incr":
            return _incr_miss(*args, **kwargs)
        return _MISS[name](*args, **kwargs)

    def _call(self, name, *args, **kwargs):
        if not self.available:
            return self._fallback(name, *args, **kwargs)
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError as exc:
            now = time.monotonic()
            self._down_until = now + self._break_seconds
            if now - self._last_warning > 10:
                self._last_warning = now
                logger.warning("Redis unavailable (%s); the %s cache degrades to %s", exc, self._alias, self._degrade)
            return self._fallback(name, *args, **kwargs)

    @property
    def _alias(self) -> str:
        return "counters" if self._degrade == "local" else "default"

    def get(self, key, default=None, version=None):
        return self._call("get", key, default=default, version=version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version=version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version=version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout=timeout, version=version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout=timeout, version=version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout=timeout, version=version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout=timeout, version=version)

    def delete(self, key, version=None):
        return self._call("delete", key, version=version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version=version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta=delta, version=version)

    def clear(self):
        return self._call("clear")
