from django.urls import path

from reports import plan_pages

urlpatterns = [
    path("plans/<int:pk>/", plan_pages.PlanDetailView.as_view(), name="plan-detail"),
    path("plans/<int:pk>/export.xlsx", plan_pages.PlanExportView.as_view(), name="plan-export"),
    path("movements/export.xlsx", plan_pages.MovementExportView.as_view(), name="movement-export"),
]
