"""Slow down password guessing: count failed sign-ins per address and per account.

Limits are per (e-mail, network address) pair and, more loosely, per network address, so
an attacker cannot lock a person out from elsewhere and one NAT address shared by many
phones is not blocked by one person's typos.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from django.utils.translation import gettext as _

from core.errors import DomainError

# Counters survive a Redis outage in process memory (mpaspor/cache.py).
cache = ConnectionProxy(caches, "counters")

ADDRESS_FACTOR = 10


def _keys(email: str, address: str) -> list[tuple[str, int]]:
    # Keys carry digests, not what was typed: an e-mail of any length or alphabet is one short key.
    limit = settings.LOGIN_MAX_FAILURES
    pair = hashlib.sha256(f"{email}\n{address}".encode("utf-8", "replace")).hexdigest()[:32]
    return [(f"login-fail:p:{pair}", limit), (f"login-fail:a:{address}", limit * ADDRESS_FACTOR)]


def check(email: str, address: str) -> None:
    now = time.time()
    for key, _limit in _keys(email.lower(), address):
        until = cache.get(f"{key}:until")
        if until and until > now:
            wait = int(until - now) + 1
            raise DomainError(
                "too_many_attempts",
                _("Too many failed sign-in attempts. Please wait %(minutes)s minute(s) or reset your password.")
                % {"minutes": (wait + 59) // 60},
                status=429,
                retry_after=wait,
            )


def record_failure(email: str, address: str) -> None:
    lockout = settings.LOGIN_LOCKOUT_SECONDS
    for key, limit in _keys(email.lower(), address):
        cache.add(key, 0, timeout=lockout)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=lockout)
            count = 1
        if count >= limit:
            cache.set(f"{key}:until", time.time() + lockout, timeout=lockout)
            cache.delete(key)


def record_success(email: str, address: str) -> None:
    key, _limit = _keys(email.lower(), address)[0]
    cache.delete(key)
