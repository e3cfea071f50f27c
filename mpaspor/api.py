"""The API's shared pieces: the one exception handler and the error shape of API.md.

Every error answers `{"code": ..., "detail": ..., "fields": {...}}`, with `detail` in the
request's language.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from applicants.api import applications as app_api
from applicants.api import auth as auth_api
from billing import api as billing_api
from delivery import api as delivery_api
from mpaspor.api_errors import error_body
from mpaspor.errors import DomainError
from queueing.api import reports as report_api
from queueing.api import views as queueing_api

logger = logging.getLogger(__name__)


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
        response = Response(error_body(code, str(detail)), status=exc.status_code)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait) + 1)
    auth_header = getattr(exc, "auth_header", None)
    if isinstance(exc, (exceptions.NotAuthenticated, exceptions.AuthenticationFailed)):
        response["WWW-Authenticate"] = auth_header or 'Bearer realm="api"'
    return response


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


# --- The API's routes (/api/v1/) -------------------------------------------------------------
APPLICATION = "applications/<uuid:application_id>/"

urlpatterns = [
    path("auth/register/", auth_api.RegisterView.as_view(), name="api_register"),
    path("auth/token/", auth_api.TokenView.as_view(), name="api_token"),
    path("auth/token/refresh/", auth_api.RefreshView.as_view(), name="api_token_refresh"),
    path("auth/me/", auth_api.MeView.as_view(), name="api_me"),
    path("auth/verify-email/", auth_api.VerifyEmailView.as_view(), name="api_verify_email"),
    path("auth/verify-email/resend/", auth_api.ResendVerificationView.as_view(), name="api_resend_verification"),
    path("auth/password-reset/", auth_api.PasswordResetView.as_view(), name="api_password_reset"),
    path(
        "auth/password-reset/confirm/", auth_api.PasswordResetConfirmView.as_view(), name="api_password_reset_confirm"
    ),
    path("fees/", billing_api.FeeListView.as_view(), name="api_fees"),
    path("offices/", queueing_api.OfficeListView.as_view(), name="api_offices"),
    path("offices/<slug:code>/availability/", queueing_api.availability_entry, name="api_availability"),
    path(APPLICATION + "booking/", queueing_api.booking_entry, name="api_booking"),
    path(APPLICATION + "bill/", billing_api.BillView.as_view(), name="api_bill"),
    path(APPLICATION + "bill/renew/", billing_api.RenewView.as_view(), name="api_bill_renew"),
    path(APPLICATION + "proof/", billing_api.ProofView.as_view(), name="api_proof"),
    path("payments/notifications/", billing_api.PaymentNotificationView.as_view(), name="api_payment_notification"),
    path(APPLICATION + "delivery/", delivery_api.DeliveryView.as_view(), name="api_delivery"),
    path("delivery/notifications/", delivery_api.PosNotificationView.as_view(), name="api_pos_notification"),
    path("reports/issuance/", report_api.IssuanceReportView.as_view(), name="api_report_issuance"),
    path("reports/operations/", report_api.OperationsReportView.as_view(), name="api_report_operations"),
    path("applications/", app_api.ApplicationListView.as_view(), name="api_applications"),
    path(APPLICATION, app_api.ApplicationDetailView.as_view(), name="api_application"),
    path(APPLICATION + "submit/", app_api.SubmitView.as_view(), name="api_application_submit"),
    path(APPLICATION + "checklist/", app_api.ChecklistView.as_view(), name="api_application_checklist"),
    path(APPLICATION + "timeline/", app_api.TimelineView.as_view(), name="api_application_timeline"),
    path(APPLICATION + "documents/", app_api.DocumentListView.as_view(), name="api_documents"),
    path(APPLICATION + "documents/<uuid:document_id>/", app_api.DocumentDetailView.as_view(), name="api_document"),
    path(
        APPLICATION + "documents/<uuid:document_id>/file/", app_api.DocumentFileView.as_view(), name="api_document_file"
    ),
]
