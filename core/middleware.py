from csp.middleware import CSPMiddleware
from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from core.api_errors import error_body
from core.errors import DomainError
from core.web import domain_error_page, error_page


class RequestBodyLimitMiddleware:
    """Refuse bodies larger than any legitimate request before Django reads them.

    Documents are at most DOCUMENT_MAX_BYTES; without this, a hostile multi-gigabyte upload
    would still be streamed to a temporary file before the form could refuse it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.REQUEST_BODY_MAX_BYTES:
            limit_mb = settings.DOCUMENT_MAX_BYTES // (1024 * 1024)
            # LocaleMiddleware has not run yet: pick the language here.
            with translation.override(translation.get_language_from_request(request)):
                message = _("The request is too large. Each file may be at most %(mb)s MB.") % {"mb": limit_mb}
            return _refusal(request, 413, "request_too_large", message)
        return self.get_response(request)


class NulInAddressMiddleware:
    """No address or search of ours contains a NUL, and PostgreSQL refuses one in a query:
    answer 400 in words before any view builds a query from it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        params = request.GET.lists()
        if "\x00" in request.path or any("\x00" in k or any("\x00" in v for v in vs) for k, vs in params):
            return error_page(request, 400, "bad_request", _("The address contains a character that is not allowed."))
        return self.get_response(request)


def _refusal(request, status: int, code: str, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(code, message), status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class DomainErrorMiddleware:
    """A business rule that refuses a web request shows a page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            return domain_error_page(request, exception)
        return None


class PersonalDataNotStoredMiddleware:
    """Answers that can carry personal data are never kept by a browser or a shared cache:
    every answer to someone signed in (a session or a bearer token), and everything under
    /api/ and /admin/, unless the view chose a policy itself (the public availability does)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        signed_in = (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META
        if signed_in or request.path.startswith(("/api/", "/admin/")):
            response["Cache-Control"] = "private, no-store"
        return response


class SessionTimeoutMiddleware:
    """Signed-in browser sessions end after a while without activity and after a fixed time in
    all: staff after `STAFF_SESSION_IDLE_SECONDS` idle or `STAFF_SESSION_MAX_SECONDS` (a working
    day), applicants after `APPLICANT_SESSION_IDLE_SECONDS` idle or `SESSION_COOKIE_AGE`. The
    session records when it started and was last seen; "last seen" is written at most once a
    minute (a quarter of the idle limit when that is shorter), so reading pages does not write
    the session on every request."""

    STARTED, SEEN = "_session_started", "_session_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            self._check(request, user)
        return self.get_response(request)

    def _check(self, request, user) -> None:
        import time

        from django.contrib import messages
        from django.contrib.auth import logout

        from core.security_log import security_event

        now = int(time.time())
        session = request.session
        started, seen = session.get(self.STARTED), session.get(self.SEEN)
        if not isinstance(started, int) or not isinstance(seen, int):
            session[self.STARTED] = session[self.SEEN] = now
            return
        if user.is_staff:
            idle, longest = settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_SECONDS
        else:
            idle, longest = settings.APPLICANT_SESSION_IDLE_SECONDS, settings.SESSION_COOKIE_AGE
        if now - seen > idle or now - started > longest:
            security_event("session_expired", request=request, level=20, idle=now - seen > idle)
            logout(request)
            messages.info(request, _("You were signed out after a while without activity. Please sign in again."))
        elif now - seen >= min(60, idle // 4):  # a short idle limit is tracked more finely
            session[self.SEEN] = now


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with inline styles allowed only where third-party templates need
    them (Django's admin, the Swagger UI): never inline scripts anywhere."""

    RELAXED_STYLE_PREFIXES = ("/admin/", "/api/docs/")

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path.startswith(self.RELAXED_STYLE_PREFIXES) and parts.update is None:
            parts.update = {"style-src": ["'unsafe-inline'"]}
        return parts
