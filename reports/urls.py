from django.urls import path

from reports import document_views as docs
from reports import views

app_name = "reports"

urlpatterns = [
    path("national/", views.NationalView.as_view(), name="national"),
    path("provinces/", views.MyProvinceView.as_view(), name="my-province"),
    path("provinces/<str:code>/", views.ProvinceDashboardView.as_view(), name="province"),
    path("units/<str:code>/", views.DepartmentReportView.as_view(), name="department"),
    path("exports/staff/", views.StaffExportView.as_view(), name="export-staff"),
    path("exports/tables/<slug:name>/", views.TableExportView.as_view(), name="export-table"),
    path("exports/<int:pk>/", views.ExportJobView.as_view(), name="export-job"),
    path("exports/<int:pk>/status/", views.ExportJobStatusView.as_view(), name="export-status"),
    path("exports/<int:pk>/download/", views.ExportDownloadView.as_view(), name="export-download"),
    path("documents/letterhead/", docs.LetterheadView.as_view(), name="letterhead"),
    path("documents/templates/", docs.DecisionTemplateListView.as_view(), name="decision-templates"),
    path(
        "documents/templates/default.docx",
        docs.DecisionTemplateDownloadView.as_view(),
        name="decision-template-default",
    ),
    path(
        "documents/templates/<int:pk>/download/",
        docs.DecisionTemplateDownloadView.as_view(),
        name="decision-template-download",
    ),
    path("decisions/", docs.DecisionListView.as_view(), name="decision-list"),
    path("decisions/new/", docs.DecisionCreateView.as_view(), name="decision-create"),
    path("decisions/<int:pk>/", docs.DecisionDetailView.as_view(), name="decision-detail"),
    path("decisions/<int:pk>/download/", docs.DecisionDownloadView.as_view(), name="decision-download"),
    path("exports/<int:pk>/retry/", views.ExportRetryView.as_view(), name="export-retry"),
]
