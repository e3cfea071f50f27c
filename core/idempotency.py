"""`Idempotency-Key` for unsafe API requests that a flaky mobile network may repeat.

The key is recorded in the same transaction as the request's effect: a repeat with the
same key and body replays the stored answer; while the first is still running, the repeat
waits on the key's unique index and then replays. Failed requests leave no record, so a
retry after a failure simply tries again.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.db import IntegrityError, transaction
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


def idempotent(handler):
    @wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key or not request.user.is_authenticated:
            return handler(self, request, *args, **kwargs)
        if len(key) > 100:
            message = _("The Idempotency-Key header may be at most 100 characters.")
            raise DomainError("invalid", message, fields={HEADER: [message]})
        fingerprint = _fingerprint(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    record = IdempotencyKey.objects.create(user=request.user, key=key, fingerprint=fingerprint)
            except IntegrityError:
                record = IdempotencyKey.objects.get(user=request.user, key=key)
                if record.fingerprint != fingerprint:
                    raise DomainError(
                        "idempotency_key_reused",
                        _("This Idempotency-Key was already used for a different request."),
                        status=422,
                    ) from None
                response = Response(record.response_body, status=record.status_code)
                response["Idempotent-Replayed"] = "true"
                return response
            response = handler(self, request, *args, **kwargs)
            if response.status_code < 400:
                record.status_code = response.status_code
                record.response_body = json.loads(JSONRenderer().render(response.data) or b"null")
                record.save(update_fields=["status_code", "response_body"])
            else:
                transaction.set_rollback(True)
            return response

    return wrapper
