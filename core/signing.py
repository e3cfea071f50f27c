"""HMAC-signed partner callbacks (payment gateway, PT Pos), per API.md.

`X-Signature` is the hex HMAC-SHA256, keyed with the partner's shared secret, of
`timestamp + "." + raw_body`; `X-Timestamp` is Unix seconds and must be within five
minutes of now, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from django.utils.translation import gettext as _

from core.errors import DomainError
from core.security_log import security_event

TOLERANCE_SECONDS = 300
_STAMP = re.compile(r"[0-9]{1,12}")  # Unix seconds, ASCII digits only
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signed_headers(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    return {"X-Timestamp": stamp, "X-Signature": signature(secret, stamp, body)}


def verify(request, secret: str) -> None:
    """Raise a 401 DomainError unless the request carries a fresh, valid signature."""
    try:
        _verify(request, secret)
    except DomainError as exc:
        security_event("callback_signature_refused", request=request, code=exc.code)
        raise


def _verify(request, secret: str) -> None:
    stamp = request.headers.get("X-Timestamp", "")
    given = request.headers.get("X-Signature", "")
    if not stamp or not given:
        raise DomainError("signature_missing", _("The request is not signed."), status=401)
    # Headers are whatever a stranger typed: judge their form before using them.
    if not _STAMP.fullmatch(stamp):
        raise DomainError("signature_invalid", _("The signature timestamp is not valid."), status=401)
    if abs(time.time() - int(stamp)) > TOLERANCE_SECONDS:
        raise DomainError("signature_expired", _("The signature timestamp is too old or in the future."), status=401)
    given = given.strip().lower()
    if not _HEX_SHA256.fullmatch(given) or not hmac.compare_digest(signature(secret, stamp, request.body), given):
        raise DomainError("signature_invalid", _("The signature does not match."), status=401)
