"""`Idempotency-Key` for unsafe API requests that a flaky mobile network may repeat.

The first request with a key claims it (a row, committed at once, before the work), then
runs its use case in the use case's own transaction, then stores the answer. A repeat with
the same key and body replays the stored answer; a repeat while the first still runs is
told to wait (409 `request_in_progress`, Retry-After: 1), as Stripe does; a key reused
for a different request is 422. A failed request releases its claim, so a retry after a
failure simply tries again.

A claim whose request died before storing its answer is taken over after
`IDEMPOTENCY_CLAIM_SECONDS`. The work is then run again, which the database's own
invariants make harmless for every keyed request (one active booking per application,
renewal only of an expired bill); the window is the few milliseconds between a use case's
commit and the answer's store.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from core.errors import DomainError
from core.models import IdempotencyKey

HEADER = "Idempotency-Key"


def _fingerprint(request) -> str:
    data = request.data
    payload = json.dumps(
        {"method": request.method, "path": request.path, "data": data if isinstance(data, dict) else str(data)},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _claim(user, key: str, fingerprint: str) -> tuple[IdempotencyKey, bool]:
    """The key's row, and whether this request now owns it."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, key=key, fingerprint=fingerprint), True
    except IntegrityError:
        pass
    record = IdempotencyKey.objects.get(user=user, key=key)
    if record.fingerprint != fingerprint:
        message = _("This Idempotency-Key was already used for a different request.")
        raise DomainError("idempotency_key_reused", message, status=422)
    if record.status_code is not None:
        return record, False
    abandoned = timezone.now() - timedelta(seconds=settings.IDEMPOTENCY_CLAIM_SECONDS)
    taken = IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True, created_at__lte=abandoned).update(
        created_at=timezone.now()
    )
    if taken:
        return record, True
    message = _("The same request is still being processed. Please wait a moment for its answer.")
    raise DomainError("request_in_progress", message, status=409, retry_after=1)


def idempotent(handler):
    @wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key or not request.user.is_authenticated:
            return handler(self, request, *args, **kwargs)
        if len(key) > 100:
            message = _("The Idempotency-Key header may be at most 100 characters.")
            raise DomainError("invalid", message, fields={HEADER: [message]})
        record, owned = _claim(request.user, key, _fingerprint(request))
        if not owned:
            response = Response(record.response_body, status=record.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
        try:
            response = handler(self, request, *args, **kwargs)
        except BaseException:
            IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()
            raise
        if response.status_code >= 400:
            IdempotencyKey.objects.filter(pk=record.pk, status_code__isnull=True).delete()
            return response
        body = json.loads(JSONRenderer().render(response.data) or b"null")
        IdempotencyKey.objects.filter(pk=record.pk).update(status_code=response.status_code, response_body=body)
        return response

    return wrapper
