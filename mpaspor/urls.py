from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core import web
from mpaspor import api

admin.site.site_header = _("M-Paspor: immigration office")
admin.site.site_title = _("M-Paspor staff")
admin.site.index_title = _("Office work")

urlpatterns = [
    path("api/v1/", include(api.urlpatterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file: no inline script under the CSP.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("health/", web.health, name="health"),
    path("favicon.ico", web.favicon),
    path("", include("queueing.urls")),
    path("", include("appointments.urls")),
    path("", include("casework.urls")),
    path("", include("billing.urls")),
    path("", include("delivery.urls")),
    path("", include("applicants.urls")),
]

handler400 = web.bad_request
handler403 = web.permission_denied
handler404 = web.page_not_found
handler500 = web.server_error
