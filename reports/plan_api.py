"""A plan's progress over the API (the plan page's selector): ``GET /api/v1/plans/<id>/progress/``."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.scoping import for_user
from reports import tables
from reports.plans import plan_progress
from reports.serializers import PlanProgressSerializer
from secondments.api import E404
from secondments.models import Plan


class PlanProgressAPI(APIView):
    @extend_schema(
        responses={
            200: OpenApiResponse(PlanProgressSerializer, description="Plan progress (same selector as the page)."),
            404: E404,
        }
    )
    def get(self, request, pk):
        plan = get_object_or_404(for_user(Plan.objects.all(), request.user), pk=pk)
        p = plan_progress(plan=plan, as_of=timezone.localdate())
        return Response(
            {
                "plan": p.plan.pk,
                "as_of": p.as_of,
                "rounding_rule": p.rounding_rule,
                "departments": tables.PLAN_DEPARTMENTS.json_rows(p.department_rows()),
                "communes": tables.PLAN_COMMUNES.json_rows(p.commune_rows()),
                "totals": tables.PLAN_TOTALS.json_rows(p.totals),
            }
        )
