"""Rate limits shared by the web views and the API.

`RATE_LIMITS` is `off` (no limits, for load tests), empty (the defaults below) or a
comma-separated list of overrides such as `booking_account=5/hour,register_address=off`.
Limits per network address are loose on purpose: Indonesian mobile networks put many
people behind one carrier-grade NAT address.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from django.utils.translation import gettext as _
from rest_framework.throttling import BaseThrottle

from core.errors import DomainError
from core.security_log import security_event

# Counters survive a Redis outage in process memory (mpaspor/cache.py).
cache = ConnectionProxy(caches, "counters")

DEFAULT_RATES = {
    "register_address": "60/hour",
    "signin_address": "120/min",
    "write_account": "240/min",
    "upload_account": "120/hour",
    "booking_account": "30/hour",
    "booking_address": "300/hour",
    "read_address": "1200/min",
}
_PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int


def parse_rate(text: str) -> Rate | None:
    if text.strip().lower() == "off":
        return None
    count, _sep, unit = text.strip().partition("/")
    return Rate(limit=int(count), period=_PERIODS[unit.strip().lower()])


def rate_for(scope: str) -> Rate | None:
    configured = (settings.RATE_LIMITS or "").strip()
    if configured.lower() == "off":
        return None
    rates = dict(DEFAULT_RATES)
    for item in filter(None, (part.strip() for part in configured.split(","))):
        name, _sep, value = item.partition("=")
        rates[name.strip()] = value.strip()
    text = rates.get(scope)
    return parse_rate(text) if text else None


def client_address(request) -> str:
    """The caller's address: REMOTE_ADDR, or the proxy-added X-Forwarded-For entry when
    NUM_PROXIES trusted proxies sit in front (never a client-supplied value)."""
    proxies = settings.NUM_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "unknown")


def hit(scope: str, ident: str) -> int | None:
    """Count one request against `scope` for `ident`; return seconds to wait if over."""
    rate = rate_for(scope)
    if rate is None:
        return None
    now = int(time.time())
    window = now - now % rate.period
    key = f"rl:{scope}:{ident}:{window}"
    cache.add(key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=rate.period + 1)
        count = 1
    if count > rate.limit:
        return window + rate.period - now
    return None


def _log_trip(request, scope: str, ident: str, wait: int) -> None:
    # Once per client and window: a script hammering on gets one line, not one per request.
    if cache.add(f"rl-logged:{scope}:{ident}", 1, timeout=max(int(wait), 1)):
        security_event("rate_limited", request=request, scope=scope, ident=ident, wait_seconds=int(wait))


def enforce(scope: str, ident: str) -> None:
    """Raise the `rate_limited` domain error when `ident` is over its `scope` limit."""
    wait = hit(scope, ident)
    if wait is not None:
        _log_trip(None, scope, ident, wait)
        raise DomainError(
            "rate_limited",
            _("Too many requests. Please wait %(seconds)s seconds and try again.") % {"seconds": wait},
            status=429,
            retry_after=max(wait, 1),
        )


# Booking, rescheduling, cancelling and renewing: one set of limits on the web, the API and
# the fast path in front of it.
BOOKING = ("booking_account", "booking_address")


def _ident(request, scope: str, user_id=None) -> str | None:
    """Who a scope counts: `*_account` scopes the signed-in account (None for a stranger),
    every other scope the network address."""
    if scope.endswith("_account"):
        if user_id is None:
            user = getattr(request, "user", None)
            user_id = user.pk if user is not None and user.is_authenticated else None
        return f"u{user_id}" if user_id is not None else None
    return f"a{client_address(request)}"


def limit(request, *scopes: str, user_id=None) -> None:
    """Count this request against each scope; raise `rate_limited` at the first one over.
    The one rule every face uses (DRF views through `throttle`). A request counted here
    (a fast path that then hands it to the full view) is not counted again by the view."""
    counted = request.__dict__.setdefault("counted_limits", set())
    for scope in scopes:
        ident = _ident(request, scope, user_id)
        if ident is not None and scope not in counted:
            counted.add(scope)
            enforce(scope, ident)


class ScopedThrottle(BaseThrottle):
    """DRF throttle for one scope, counting as `limit` does."""

    scope = ""

    def allow_request(self, request, view):
        if self.scope in getattr(request, "counted_limits", ()):
            return True  # `limit` counted this request before the view ran
        ident = _ident(request, self.scope) or f"a{client_address(request)}"
        self._wait = hit(self.scope, ident)
        if self._wait is not None:
            _log_trip(request, self.scope, ident, self._wait)
        return self._wait is None

    def wait(self):
        return self._wait


def throttle(scope_name: str) -> type[ScopedThrottle]:
    return type(f"{scope_name.title().replace('_', '')}Throttle", (ScopedThrottle,), {"scope": scope_name})
