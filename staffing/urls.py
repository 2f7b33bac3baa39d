from django.urls import path

from staffing import catalogue_views, import_views, quota_views, views

urlpatterns = [
    path("staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff-detail"),
    path("staff/<int:pk>/edit/", views.StaffUpdateView.as_view(), name="staff-update"),
    path("staff/<int:pk>/placement/", views.PlacementChangeView.as_view(), name="staff-placement"),
    path("staff/<int:pk>/deactivate/", views.StaffLeaveView.as_view(), name="staff-deactivate"),
    path("staff/<int:pk>/absences/new/", views.AbsenceCreateView.as_view(), name="absence-create"),
    path("staff/<int:pk>/absences/<int:absence_pk>/edit/", views.AbsenceUpdateView.as_view(), name="absence-update"),
    path("units/<str:code>/staff/new/", views.StaffCreateView.as_view(), name="staff-create"),
    path("units/<str:code>/quotas/new/", views.QuotaCreateView.as_view(), name="quota-create"),
    path("quotas/<int:pk>/edit/", views.QuotaUpdateView.as_view(), name="quota-update"),
    path("provinces/<str:code>/quota-pool/", quota_views.QuotaPoolView.as_view(), name="quota-pool"),
    path("quota-requests/", quota_views.QuotaRequestListView.as_view(), name="quota-request-list"),
    path("quota-requests/<int:pk>/", quota_views.QuotaRequestDetailView.as_view(), name="quota-request-detail"),
    path(
        "quota-requests/<int:pk>/<str:decision>/",
        quota_views.QuotaRequestDecideView.as_view(),
        name="quota-request-decide",
    ),
    path(
        "units/<str:code>/quota-requests/new/",
        quota_views.QuotaRequestCreateView.as_view(),
        name="quota-request-create",
    ),
    path("units/<str:code>/template.xlsx", views.UnitTemplateView.as_view(), name="unit-template"),
    path("units/<str:code>/import/", import_views.ImportUploadView.as_view(), name="unit-import"),
    path("units/<str:code>/import/<str:token>/", import_views.ImportPreviewView.as_view(), name="unit-import-preview"),
    path("units/<str:code>/import/<str:token>/job/", import_views.ImportJobView.as_view(), name="unit-import-job"),
    path(
        "units/<str:code>/import/<str:token>/job/restart/",
        import_views.ImportRestartView.as_view(),
        name="unit-import-restart",
    ),
    path(
        "units/<str:code>/import/<str:token>/columns/",
        import_views.ImportMappingView.as_view(),
        name="unit-import-mapping",
    ),
    path(
        "units/<str:code>/import/<str:token>/columns/live/",
        import_views.ImportMappingLiveView.as_view(),
        name="unit-import-mapping-live",
    ),
    path(
        "units/<str:code>/import/<str:token>/alias/", import_views.ImportAliasView.as_view(), name="unit-import-alias"
    ),
    path("imports/province/", import_views.ImportUploadView.as_view(province_level=True), name="province-import"),
    path(
        "imports/province/<str:token>/",
        import_views.ImportPreviewView.as_view(province_level=True),
        name="province-import-preview",
    ),
    path(
        "imports/province/<str:token>/job/",
        import_views.ImportJobView.as_view(province_level=True),
        name="province-import-job",
    ),
    path(
        "imports/province/<str:token>/job/restart/",
        import_views.ImportRestartView.as_view(province_level=True),
        name="province-import-restart",
    ),
    path(
        "imports/province/<str:token>/columns/",
        import_views.ImportMappingView.as_view(province_level=True),
        name="province-import-mapping",
    ),
    path(
        "imports/province/<str:token>/columns/live/",
        import_views.ImportMappingLiveView.as_view(province_level=True),
        name="province-import-mapping-live",
    ),
    path(
        "imports/province/<str:token>/alias/",
        import_views.ImportAliasView.as_view(province_level=True),
        name="province-import-alias",
    ),
    path("positions/", catalogue_views.PositionListView.as_view(), name="position-list"),
    path("positions/export.xlsx", catalogue_views.PositionExportView.as_view(), name="position-export"),
    path("positions/import/", catalogue_views.CatalogueImportView.as_view(), name="position-import"),
    path(
        "positions/import/<str:token>/",
        catalogue_views.CatalogueImportPreviewView.as_view(),
        name="position-import-preview",
    ),
]
