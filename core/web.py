"""Helpers shared by the web views of every app, and the error pages.

Paths under /api/ get the API's JSON error shape; everything else gets a page.
"""

from __future__ import annotations

import functools

from django.contrib import admin, messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from core.api_errors import error_body
from core.errors import DomainError
from core.security_log import security_event


def text_param(params, name: str, *, max_length: int = 200) -> str:
    """A short text parameter (a code, a choice) as sent, or "" when it cannot be one of ours:
    missing, too long, or carrying a NUL, which PostgreSQL refuses in a query."""
    value = params.get(name) or ""
    return "" if len(value) > max_length or "\x00" in value else value


def id_param(params, name: str) -> int | None:
    """A row id sent in a form, or None: ASCII digits only (not `²`, `١`, `1e999` or `abc`)."""
    value = params.get(name) or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else None


def form_error(form, exc: DomainError) -> None:
    """Show a domain refusal on the form: per field where the form has it, else at the top."""
    placed = False
    for field, reasons in exc.fields.items():
        name = field if field in form.fields else None
        for message in reasons:
            form.add_error(name, message)
            placed = True
    if not placed or not exc.fields:
        form.add_error(None, exc.message)


def error_page(request, status: int, code: str, message: str, fields: dict | None = None):
    """The one answer to a refused or impossible request: the API's JSON shape under /api/,
    else a page in the person's language with the same message and status, and a way back."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message, fields), status=status)
    template = "admin/error.html" if request.path.startswith("/admin/") else "error.html"
    context = {"status": status, "code": code, "message": message, "back": _back(request)}
    if template == "admin/error.html":
        context.update(admin.site.each_context(request))
    return render(request, template, context, status=status)


def _back(request) -> str:
    """Where the request came from, if it was this site; else the start."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure()):
        return referer
    return "/admin/" if request.path.startswith("/admin/") else "/"


def bad_request(request, exception=None):
    return error_page(request, 400, "bad_request", _("The request could not be understood."))


def permission_denied(request, exception=None):
    security_event("access_refused", request=request, code="permission_denied")
    return error_page(request, 403, "permission_denied", _("You do not have access to this page."))


def page_not_found(request, exception=None):
    return error_page(request, 404, "not_found", _("Not found."))


def server_error(request):
    return error_page(request, 500, "server_error", _("Something went wrong on our side. Please try again."))


def domain_error_page(request, exc: DomainError):
    """The answer to a refused request outside DRF: the API's JSON shape under /api/, else a page."""
    if exc.status == 403:
        security_event("access_refused", request=request, code=exc.code)
    response = error_page(request, exc.status, exc.code, exc.message, exc.fields)
    if exc.retry_after:
        response["Retry-After"] = str(exc.retry_after)
    return response


def favicon(request):
    """Browsers and the admin ask for /favicon.ico whatever the page links: send them the icon."""
    return redirect(static("favicon.svg"), permanent=True)


@never_cache
def health(request):
    """The trivial view that benchmarks compare against; touches nothing."""
    return HttpResponse("ok", content_type="text/plain")


class AnswersBeforeDRF:
    """Mixed into an APIView whose hottest requests can be answered without DRF's machinery.

    `fast(request, **kwargs)` returns a response, or None to let the view answer as usual.
    When quotas open, thousands of phones refresh the calendar and retry full sessions: those
    answers come from short-lived hints in Redis, before authentication classes, parsers and
    throttles run. The wrapper keeps the view's class on it, so the schema documents it.
    """

    @classmethod
    def fast(cls, request, **kwargs):
        return None

    @classmethod
    def as_view(cls, **initkwargs):
        full = super().as_view(**initkwargs)

        def view(request, *args, **kwargs):
            answer = cls.fast(request, **kwargs)
            return answer if answer is not None else full(request, *args, **kwargs)

        return functools.update_wrapper(view, full)


def flash_refusal(request, exc: DomainError) -> None:
    """A refusal of a staff button, shown on the page the officer returns to: the message,
    then each field's own reason (the API answers the same `detail` and `fields`)."""
    messages.error(request, exc.message)
    for errors in exc.fields.values():
        for error in errors:
            if error != exc.message:
                messages.error(request, error)
