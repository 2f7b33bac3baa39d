"""The planner over the API: start a run, read its result, accept its moves; the forecast.

The same form, services and selectors as the pages: a run's settings are checked by
``planner.forms.RunForm``, acceptance goes through ``planner.services.accept_moves``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.policy import refusal
from accounts.scoping import for_user
from planner import tables
from planner.explain import present
from planner.forms import ForecastForm, RunForm
from planner.models import PlannerRun
from planner.selectors import forecast
from planner.services import accept_moves, run_create
from secondments.api import E400, E403, E404
from secondments.models import Plan


class RunSerializer(serializers.ModelSerializer):
    status = serializers.CharField(read_only=True)

    class Meta:
        model = PlannerRun
        fields = [
            "id",
            "province",
            "plan",
            "start_date",
            "knobs",
            "status",
            "progress",
            "error",
            "created_at",
            "finished_at",
            "accepted",
        ]
        read_only_fields = fields


class RunResultSerializer(RunSerializer):
    result = serializers.SerializerMethodField()

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "result"]
        read_only_fields = fields

    def get_result(self, run) -> dict:
        """The stored proposal, each move with its reason in the request's language."""
        if run.status != "done":
            return {}
        view = present(run)
        result = dict(run.result)
        result["moves"] = [
            {**m, "reason": v["reason"]} for m, v in zip(run.result["moves"], view["moves"], strict=True)
        ]
        result["unmet"] = [{**u, "cause_text": v["cause_text"]} for u, v in _pairs(run.result.get("unmet", []), view)]
        return result


def _pairs(unmet, view):
    texts = {(u["unit"], u["field"]): str(u["cause_text"]) for u in view["unmet"]}
    return [(u, {"cause_text": texts[(u["unit"], u["field"])]}) for u in unmet]


class RunCreateSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    start_date = serializers.DateField()
    fields = serializers.ListField(child=serializers.IntegerField(), required=False)
    only_priority_communes = serializers.BooleanField(required=False, default=False)
    priority_weight = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, default=2)
    disadvantaged_weight = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, default=1)
    border_weight = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, default=0.5)
    priority_field_weight = serializers.DecimalField(max_digits=4, decimal_places=2, required=False, default=0.5)
    sending_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False, allow_null=True)
    include_communes = serializers.BooleanField(required=False, default=True)
    allow_leaders = serializers.BooleanField(required=False, default=True)
    department_kind = serializers.CharField(required=False, default="secondment")
    commune_kind = serializers.CharField(required=False, default="transfer")
    duration_days = serializers.IntegerField(required=False, default=180)


class AcceptSerializer(serializers.Serializer):
    moves = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text="Move indexes; omitted: every move."
    )


def _form_data(values) -> QueryDict:
    """The API's validated values as the run form's input (one set of rules for page and API)."""
    q = QueryDict(mutable=True)
    for key, value in values.items():
        if key == "plan" or value is None or value is False:
            continue
        if key == "fields":
            q.setlist("fields", [str(v) for v in value])
        elif value is True:
            q[key] = "on"
        elif key == "start_date":
            q[key] = value.strftime("%d/%m/%Y")
        else:
            q[key] = str(value)
    return q


def _form_errors(form) -> dict:
    return {("non_field_errors" if k == "__all__" else k): list(v) for k, v in form.errors.items()}


def _refuse(user, action, obj):
    message = refusal(user, action, obj)
    if message:
        raise PermissionDenied(message)


@extend_schema_view(
    list=extend_schema(responses={200: RunSerializer(many=True)}),
    retrieve=extend_schema(responses={200: RunResultSerializer, 404: E404}),
)
class PlannerRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Runs of the rebalancing planner in the user's province (national viewers: all)."""

    queryset = PlannerRun.objects.select_related("province", "plan")
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        qs = for_user(super().get_queryset(), self.request.user)
        if self.action == "list":
            qs = qs.defer("result")
        return qs

    def get_serializer_class(self):
        return RunResultSerializer if self.action == "retrieve" else RunSerializer

    def retrieve(self, request, *args, **kwargs):
        run = self.get_object()
        _refuse(request.user, "planner.view", run.province)
        return Response(RunResultSerializer(run).data)

    def list(self, request, *args, **kwargs):
        _refuse(request.user, "planner.view", request.user.province)
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=RunCreateSerializer,
        responses={
            201: RunResultSerializer,
            202: OpenApiResponse(RunSerializer, description="Started in the background: poll the run."),
            400: E400,
            403: E403,
            404: E404,
        },
    )
    def create(self, request):
        """Run the planner for a plan: settings as on the planner page (all but plan and start date optional)."""
        data = RunCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        plan = get_object_or_404(for_user(Plan.objects.select_related("province"), request.user), pk=values["plan"])
        _refuse(request.user, "planner.run", plan.province)
        form = RunForm(data=_form_data(values), plan=plan)
        if not form.is_valid():
            raise ValidationError(_form_errors(form))
        try:
            run = run_create(
                by=request.user,
                province=plan.province,
                plan=plan,
                start_date=form.cleaned_data["start_date"],
                knobs=form.knobs(),
            )
        except DjangoValidationError as exc:
            raise ValidationError(serializers.as_serializer_error(exc)) from exc
        if run.is_finished:
            return Response(RunResultSerializer(run).data, status=status.HTTP_201_CREATED)
        return Response(RunSerializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=AcceptSerializer, responses={200: RunSerializer, 400: E400, 403: E403, 404: E404})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept moves (all when ``moves`` is omitted): draft movements in the plan, in one transaction.
        Accepting a move twice creates nothing new; ``created`` lists the movements made now."""
        run = self.get_object()
        body = AcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        indexes = body.validated_data.get("moves")
        try:
            created = accept_moves(run=run, by=request.user, indexes=indexes)
        except DjangoPermissionDenied as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise ValidationError(serializers.as_serializer_error(exc)) from exc
        run.refresh_from_db()
        return Response({**RunSerializer(run).data, "created": [m.pk for m in created]})


class ForecastView(APIView):
    """Projected establishment and coverage shortage month by month for 12 months (same selector as
    the forecast page): per province, per commune × field, with the people behind each change."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("province", OpenApiTypes.STR, description="Province code (default: the user's)."),
            OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: today), dd/mm/yyyy."),
        ],
        responses={200: OpenApiResponse(description="Months, cells and events."), 400: E400, 403: E403},
    )
    def get(self, request):
        form = ForecastForm(request.query_params or None, user=request.user)
        if request.query_params and not form.is_valid():
            raise ValidationError(_form_errors(form))
        province = form.chosen_province()
        if province is None:
            raise ValidationError({"province": ["Choose a province."]})
        _refuse(request.user, "planner.view", province)
        data = forecast(province=province, start=form.chosen_start())
        return Response(
            {
                "province": province.code,
                "start": data.start,
                "months": [
                    {
                        **row,
                        "retirements": [
                            {k: e[k] for k in ("person", "name", "code", "unit", "field", "last_day")}
                            for e in m.retirements
                        ],
                        "movements_ending": [
                            {
                                "movement": e["pk"],
                                "name": e["person__full_name"],
                                "to_unit": e["to_unit_id"],
                                "last_day": e["effective_end"],
                            }
                            for e in m.movements_ending
                        ],
                        "absences_starting": [
                            {"absence": e["pk"], "name": e["person__full_name"], "first_day": e["start_date"]}
                            for e in m.absences_starting
                        ],
                        "absences_ending": [
                            {"absence": e["pk"], "name": e["person__full_name"], "last_day": e["end_date"]}
                            for e in m.absences_ending
                        ],
                    }
                    for m, row in zip(data.months, tables.FORECAST_MONTHS.json_rows(data.months), strict=True)
                ],
                "cells": tables.FORECAST_CELLS.json_rows(tables.forecast_cell_rows(data.cells)),
            }
        )
