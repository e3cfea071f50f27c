"""Slow down password guessing on every sign-in: the web, the API and the staff admin.

Every attempt is counted *before* the password is checked, by one atomic increment, so a
burst of parallel guesses cannot all slip past a check that only reads the count. Three
counters, all keyed by digests (an address of any length or alphabet is one short key):

- per (e-mail, network address): `LOGIN_MAX_FAILURES` attempts in `LOGIN_LOCKOUT_SECONDS`,
  reset by a successful sign-in. One person's typos never block a shared NAT address.
- per network address: ten times that, across all e-mails (one machine trying many accounts).
- per account, from anywhere: after `LOGIN_ACCOUNT_SLOWDOWN_AFTER` attempts in an hour, an
  address that has not signed in to this account before may try only once every
  `LOGIN_ACCOUNT_SLOWDOWN_SECONDS`. That caps a botnet's guesses against one account
  without locking its owner out: the owner's own phone (an address that signed in before)
  is not slowed, and everyone else waits seconds, never a lockout.

The e-mail is normalised here, once, exactly as accounts store it, so padding or capitals do
not make a new counter.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy
from django.utils.translation import gettext as _

from applicants.models import User
from core.errors import DomainError
from core.security_log import email_digest, security_event

# Counters survive a Redis outage in process memory (core/cache.py).
cache = ConnectionProxy(caches, "counters")

ADDRESS_FACTOR = 10
ACCOUNT_WINDOW_SECONDS = 3600
KNOWN_ADDRESS_SECONDS = 90 * 24 * 3600
EMAIL_MAX_LENGTH = 254


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", "replace")).hexdigest()[:32]


def normalise(raw: object) -> str:
    """The e-mail as accounts store it; an address longer than any e-mail can be is refused."""
    email = User.objects.normalize_email(raw if isinstance(raw, str) else "")
    if len(email) > EMAIL_MAX_LENGTH:
        message = _("An e-mail address has at most %(max)s characters.") % {"max": EMAIL_MAX_LENGTH}
        raise DomainError("email_too_long", message, fields={"email": [message]})
    return email


def _count(key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the key lapsed between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _too_many(wait: int) -> DomainError:
    return DomainError(
        "too_many_attempts",
        _("Too many failed sign-in attempts. Please wait %(minutes)s minute(s) or reset your password.")
        % {"minutes": max(1, (wait + 59) // 60)},
        status=429,
        retry_after=wait,
    )


def begin(email: str, address: str) -> None:
    """Count one sign-in attempt; refuse it (429) when a limit is reached. Call before the
    password is checked, with the normalised e-mail."""
    limit, lockout = settings.LOGIN_MAX_FAILURES, settings.LOGIN_LOCKOUT_SECONDS
    pair, account = _digest(email, address), _digest(email)
    if _count(f"login:p:{pair}", lockout) > limit:
        security_event("sign_in_locked", address=address, account=email_digest(email), counter="account_address")
        raise _too_many(lockout)
    if _count(f"login:a:{_digest(address)}", lockout) > limit * ADDRESS_FACTOR:
        security_event("sign_in_locked", address=address, account=email_digest(email), counter="address")
        raise _too_many(lockout)
    attempts = _count(f"login:u:{account}", ACCOUNT_WINDOW_SECONDS)
    if attempts > settings.LOGIN_ACCOUNT_SLOWDOWN_AFTER and not cache.get(f"login:k:{pair}"):
        pause = settings.LOGIN_ACCOUNT_SLOWDOWN_SECONDS
        if not cache.add(f"login:s:{account}", 1, timeout=pause):
            security_event("sign_in_slowed", address=address, account=email_digest(email), attempts=attempts)
            raise DomainError(
                "sign_in_slowed",
                _("This account has had many sign-in attempts. Please wait %(seconds)s seconds and try again.")
                % {"seconds": pause},
                status=429,
                retry_after=pause,
            )


def succeeded(email: str, address: str) -> None:
    """The password was right: this address's attempts start again, and it is known from now on."""
    pair = _digest(email, address)
    cache.delete(f"login:p:{pair}")
    try:  # a success is not a guess: many people signing in behind one address are not a crowd of guesses
        cache.decr(f"login:a:{_digest(address)}")
    except ValueError:
        pass
    cache.set(f"login:k:{pair}", 1, timeout=KNOWN_ADDRESS_SECONDS)
