from django.urls import path

from reports import api

urlpatterns = [
    path("national/", api.NationalAPI.as_view(), name="api-report-national"),
    path("provinces/<str:code>/", api.ProvinceDashboardAPI.as_view(), name="api-report-province"),
    path("provinces/<str:code>/kpis/", api.ProvinceKpisAPI.as_view(), name="api-report-province-kpis"),
    path("provinces/<str:code>/fields/", api.ProvinceFieldsAPI.as_view(), name="api-report-province-fields"),
    path("provinces/<str:code>/top-shortage/", api.ProvinceTopAPI.as_view(), name="api-report-province-top"),
    path("provinces/<str:code>/communes/", api.ProvinceCommunesAPI.as_view(), name="api-report-province-communes"),
    path("units/<str:code>/", api.DepartmentAPI.as_view(), name="api-report-department"),
    path("units/<str:code>/quotas/", api.UnitQuotasAPI.as_view(), name="api-report-unit-quotas"),
    path("units/<str:code>/mismatches/", api.UnitMismatchesAPI.as_view(), name="api-report-mismatches"),
    path("alerts/", api.AlertsAPI.as_view(), name="api-report-alerts"),
    path("staff/<int:pk>/history/", api.PersonHistoryAPI.as_view(), name="api-report-person-history"),
    path("staff/", api.StaffListAPI.as_view(), name="api-report-staff"),
    path("exports/<int:pk>/", api.ExportJobAPI.as_view(), name="api-report-export"),
]
