"""Security events as one JSON object per line on the `mpaspor.security` logger.

What an operator needs to see an attack (who, from where, what happened to which object),
never what would help one: no passwords, tokens or NIKs. Accounts are named by their id, an
e-mail only by a keyed digest (the same address always gives the same digest, so guessing
against one account shows up, but the log does not list who has an account).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings

logger = logging.getLogger("mpaspor.security")

# Values longer than this are cut: a hostile header must not make a log line huge.
_MAX_VALUE = 200


def email_digest(email: str) -> str:
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, (email or "").strip().lower().encode(), hashlib.sha256).hexdigest()[:16]


def _clean(value):
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)[:_MAX_VALUE]


def security_event(event: str, *, request=None, user=None, level: int = logging.WARNING, **fields) -> None:
    """Log one event. `request` adds the client address, method and path; `user` the account id."""
    record: dict = {"event": event}
    if request is not None:
        from core.throttling import client_address

        record.update(address=client_address(request), method=request.method, path=request.path[:_MAX_VALUE])
        if user is None and getattr(request, "user", None) is not None and request.user.is_authenticated:
            user = request.user
    if user is not None and getattr(user, "pk", None) is not None:
        record.update(user_id=user.pk, staff=bool(user.is_staff))
    record.update({key: _clean(value) for key, value in fields.items()})
    logger.log(level, json.dumps(record, sort_keys=True, ensure_ascii=True))
