"""A lean check of our own HS256 access tokens, for the fast paths of the opening minute.

simplejwt/PyJWT take ~80 us per token in Python; this takes a few. It is a real check
(signature, type, expiry). The booking fast path only ever answers `slot_full` with it,
which is public; the draw's entry (`appointments.entry_fast`) also checks in the database
what simplejwt checks there (the account exists, is active, and the token's password
digest is the current password's). Anything unusual returns None and the request goes
the full way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from django.conf import settings

# The header simplejwt writes for our HS256 tokens, as it encodes it (compact JSON, sorted
# keys): a token with any other header goes the full way. A constant, not learnt from the
# first token a process sees, so no crafted token can switch the fast path off.
HEADER = (
    base64.urlsafe_b64encode(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":"), sort_keys=True).encode())
    .rstrip(b"=")
    .decode()
)


def _b64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def user_of(claims: dict) -> int | str | None:
    """The account a token's claims name (simplejwt's USER_ID_CLAIM)."""
    return claims.get(settings.SIMPLE_JWT.get("USER_ID_CLAIM", "user_id"))


def access_token_claims(raw: str) -> dict | None:
    """The claims of a well-signed, unexpired access token of ours; None for anything else."""
    try:
        header, payload, signature = raw.split(".")
        if header != HEADER:
            return None  # not the header our issuer writes: let the full path decide
        key = settings.SIMPLE_JWT["SIGNING_KEY"].encode()
        expected = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _b64(signature)):
            return None
        claims = json.loads(_b64(payload))
        if not isinstance(claims, dict):
            return None
        if claims.get("token_type") != "access" or float(claims.get("exp", 0)) <= time.time():
            return None
        return claims
    except (ValueError, TypeError, AttributeError, UnicodeError):
        return None
