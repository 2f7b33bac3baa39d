from django.urls import path
from rest_framework.routers import DefaultRouter

from planner import api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("planner/runs", api.PlannerRunViewSet, basename="api-planner-run")

urlpatterns = [
    *router.urls,
    path("planner/forecast/", api.ForecastView.as_view(), name="api-planner-forecast"),
]
