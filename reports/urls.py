from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("national/", views.NationalView.as_view(), name="national"),
    path("provinces/", views.MyProvinceView.as_view(), name="my-province"),
    path("provinces/<str:code>/", views.ProvinceDashboardView.as_view(), name="province"),
    path("units/<str:code>/", views.DepartmentReportView.as_view(), name="department"),
    path("exports/staff/", views.StaffExportView.as_view(), name="export-staff"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export-job"),
    path("exports/<int:pk>/status/", views.ExportJobStatusView.as_view(), name="export-status"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
    path("exports/<int:pk>/retry/", views.ExportRetryView.as_view(), name="export-retry"),
]
