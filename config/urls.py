from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView

from audit.views import AuditLogView
from config.api_docs import RedocView, SwaggerView
from reports.views import HomeView

api_v1 = [
    path("", include("reports.unit_api_urls")),
    path("", include("staffing.api_urls")),
    path("", include("secondments.api_urls")),
    path("", include("reports.plan_api_urls")),
    path("", include("planner.api_urls")),
    path("reports/", include("reports.api_urls")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", RedocView.as_view(url_name="api-schema"), name="api-redoc"),
]

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("", include("accounts.urls")),
    path("audit/", AuditLogView.as_view(), name="audit-log"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("", include("reports.unit_urls")),
    path("", include("reports.plan_urls")),
    path("", include("staffing.urls")),
    path("", include("secondments.urls")),
    path("", include("planner.urls")),
    path("reports/", include("reports.urls")),
]

handler400 = "config.api_errors.handler400"
handler403 = "config.api_errors.handler403"
handler404 = "config.api_errors.handler404"
handler500 = "config.api_errors.handler500"
