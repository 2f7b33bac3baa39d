from django.urls import path

from reports import plan_api

urlpatterns = [
    path("plans/<int:pk>/progress/", plan_api.PlanProgressAPI.as_view(), name="api-plan-progress"),
]
