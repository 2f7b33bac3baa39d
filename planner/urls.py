from django.urls import path

from planner import views

app_name = "planner"

urlpatterns = [
    path("plans/<int:pk>/planner/", views.PlannerView.as_view(), name="plan-planner"),
    path("planner/runs/<int:pk>/", views.RunDetailView.as_view(), name="run-detail"),
    path("planner/runs/<int:pk>/status/", views.RunStatusView.as_view(), name="run-status"),
    path("planner/runs/<int:pk>/accept/", views.RunAcceptView.as_view(), name="run-accept"),
    path("planner/compare/", views.CompareView.as_view(), name="compare"),
    path("planner/forecast/", views.ForecastView.as_view(), name="forecast"),
]
