from django.urls import path

from secondments import views

app_name = "secondments"

urlpatterns = [
    path("plans/", views.PlanListView.as_view(), name="plan-list"),
    path("plans/new/", views.PlanCreateView.as_view(), name="plan-create"),
    path("plans/<int:pk>/edit/", views.PlanUpdateView.as_view(), name="plan-update"),
    path("plans/<int:pk>/quotas/new/", views.QuotaCreateView.as_view(), name="quota-create"),
    path("plans/<int:pk>/quotas/<int:quota_pk>/edit/", views.QuotaUpdateView.as_view(), name="quota-update"),
    path("plans/<int:pk>/quotas/<int:quota_pk>/delete/", views.QuotaDeleteView.as_view(), name="quota-delete"),
    path("movements/", views.MovementListView.as_view(), name="movement-list"),
    path("movements/new/", views.MovementCreateView.as_view(), name="movement-create"),
    path("movements/people/", views.PersonPickView.as_view(), name="person-pick"),
    path("movements/alerts/", views.AlertsView.as_view(), name="movement-alerts"),
    path("movements/<int:pk>/", views.MovementDetailView.as_view(), name="movement-detail"),
    path("movements/<int:pk>/edit/", views.MovementUpdateView.as_view(), name="movement-update"),
    path("movements/<int:pk>/<slug:action>/", views.MovementActionView.as_view(), name="movement-action"),
    path("staff-requests/", views.RequestListView.as_view(), name="request-list"),
    path("staff-requests/new/", views.RequestCreateView.as_view(), name="request-create"),
    path("staff-requests/<int:pk>/", views.RequestDetailView.as_view(), name="request-detail"),
    path("staff-requests/<int:pk>/fulfil/", views.RequestFulfilView.as_view(), name="request-fulfil"),
]
