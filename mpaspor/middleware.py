from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _

from mpaspor.api_errors import error_body


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
            if request.path.startswith("/api/"):
                return JsonResponse(error_body("request_too_large", message), status=413)
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


class DomainErrorMiddleware:
    """A business rule that refuses a web request shows a page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from mpaspor.errors import DomainError
        from mpaspor.web import domain_error_page

        if isinstance(exception, DomainError):
            return domain_error_page(request, exception)
        return None
