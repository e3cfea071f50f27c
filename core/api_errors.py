"""The API's error shape (API.md), its one exception handler, and the schema's error answers.

Every error answers `{"code": ..., "detail": ..., "fields": {...}}`, with `detail` in the
request's language.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from core.errors import DomainError
from core.security_log import security_event

logger = logging.getLogger(__name__)


def error_body(code: str, detail: str, fields: dict | None = None) -> dict:
    """The one error shape of the API (API.md): code, human detail, per-field messages."""
    return {"code": code, "detail": str(detail), "fields": fields or {}}


# Every operation may answer these, always in the shape above: a malformed or invalid body
# (400), no or a bad token (401), a refused role (403), another person's or an unknown object
# (404), a method the path lacks (405), a refused state move (409), a body too large (413),
# not JSON (415), a partner's inconsistent notice (422), a rate limit (429), a busy database
# (503, with Retry-After).
ERROR_STATUSES = {
    "400": "Invalid input",
    "401": "Not signed in, or the token is not valid",
    "403": "Not allowed",
    "404": "Not found (or not yours)",
    "405": "Method not allowed",
    "409": "Refused in the current state",
    "413": "Request too large",
    "415": "Unsupported media type",
    "422": "Inconsistent with the record",
    "429": "Too many requests; see Retry-After",
    "503": "Busy; try again after Retry-After",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "detail", "fields"],
    "properties": {
        "code": {"type": "string", "description": "Stable, machine-readable reason"},
        "detail": {"type": "string", "description": "For people, in the language of Accept-Language"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "additionalProperties": True,
}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: the error answers of every operation, in the schema."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(code, {**error, "description": description})
    return result


def _flatten(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into `{"field.sub": ["message", ...]}`."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in _flatten(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                for k, v in _flatten(item, f"{prefix}.{index}" if prefix else str(index)).items():
                    out.setdefault(k, []).extend(v)
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


def _validation_response(detail) -> Response:
    fields = _flatten(detail)
    general = fields.pop("non_field_errors", [])
    message = general[0] if general else _("Some of the information is not valid. Please check the marked fields.")
    body = error_body("invalid", message, fields)
    if general:
        body["fields"]["non_field_errors"] = general
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        set_rollback()
        if exc.status == 403:
            security_event("access_refused", request=context.get("request"), code=exc.code)
        response = Response({**error_body(exc.code, exc.message, exc.fields), **exc.extra}, status=exc.status)
        if exc.retry_after:
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.PermissionDenied):
        security_event("access_refused", request=context.get("request"), code="permission_denied")
    if isinstance(exc, OperationalError):
        # A lock timeout or a dropped connection under load: ask the client to retry
        # rather than answer 500.
        logger.warning("database busy: %s", exc)
        set_rollback()
        response = Response(
            error_body("busy", _("The service is busy. Please try again in a moment.")),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
        response["Retry-After"] = "2"
        return response
    if not isinstance(exc, exceptions.APIException):
        return None

    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        response = _validation_response(exc.detail)
    else:
        code = next((c for cls, c in _CODES if isinstance(exc, cls)), "error")
        detail = exc.detail
        if isinstance(detail, dict):  # simplejwt nests its message under "detail"
            detail = detail.get("detail") or next(iter(detail.values()), "")
        if isinstance(exc, exceptions.ParseError):
            detail = _("The request body is not valid JSON or form data.")
        if isinstance(exc, exceptions.AuthenticationFailed):
            detail = _sign_in_again(exc) or detail
        response = Response(error_body(code, str(detail)), status=exc.status_code)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) + 1)
    auth_header = getattr(exc, "auth_header", None)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response["WWW-Authenticate"] = auth_header or 'Bearer realm="api"'
    return response


def _sign_in_again(exc: exceptions.AuthenticationFailed) -> str | None:
    """The token library's newest refusal, which its Indonesian catalogue lacks, in ours."""
    code = exc.detail.get("code") if isinstance(exc.detail, dict) else None  # simplejwt keeps its code here
    if str(code) == "password_changed":
        return _("The password of this account was changed. Please sign in again.")
    return None


_CODES = [
    (exceptions.ParseError, "malformed_request"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "rate_limited"),
]
