"""REST API of plans, movements and staff requests. Each transition is its own action calling the
same service as the page; service errors become 400 (rules), 403 (role) and 409 (status)."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.api import ScopedModelViewSet
from accounts.policy import RULES, may, require
from accounts.scoping import for_user
from secondments import services
from secondments.filters import MovementFilterSet
from secondments.models import Plan, Secondment, SendingQuota, StaffRequest
from secondments.serializers import (
    ApproveSerializer,
    ArrivalSerializer,
    CancelSerializer,
    CommuneRequestSerializer,
    DetailSerializer,
    EmptySerializer,
    EndSerializer,
    ExtendSerializer,
    FulfilSerializer,
    PlanSerializer,
    SecondmentSerializer,
    SendingQuotaSerializer,
)


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The current status does not allow this action.")
    default_code = "conflict"


def call_service(fn, **kwargs):
    """Run a service and translate its errors for the API."""
    try:
        return fn(**kwargs)
    except DjangoValidationError as exc:
        raise ValidationError(serializers.as_serializer_error(exc)) from exc
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc
    except services.TransitionError as exc:
        raise Conflict(exc.message) from exc


E400 = OpenApiResponse(DetailSerializer, description="Invalid input or a rule refused it; nothing was written.")
E403 = OpenApiResponse(DetailSerializer, description="The role may not take this action (message says why).")
E404 = OpenApiResponse(DetailSerializer, description="Not found or outside the user's scope.")
E409 = OpenApiResponse(DetailSerializer, description="The current status does not allow this action.")
WRITE_ERRORS = {400: E400, 403: E403, 404: E404}
ACTION_ERRORS = {400: E400, 403: E403, 404: E404, 409: E409}


class ProvinceOfficialWrites(permissions.BasePermission):
    """Anyone signed in reads; only province officials write plans and sending quotas."""

    message = RULES["plan.manage"][1]

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return may(request.user, "plan.manage")


@extend_schema_view(
    create=extend_schema(responses={201: PlanSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: PlanSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: PlanSerializer, **WRITE_ERRORS}),
    retrieve=extend_schema(responses={200: PlanSerializer, 404: E404}),
)
class PlanViewSet(ScopedModelViewSet):
    """Movement plans of the user's province (national viewers: all)."""

    queryset = Plan.objects.prefetch_related("priority_fields", "priority_communes", "sending_quotas")
    serializer_class = PlanSerializer
    permission_classes = [ProvinceOfficialWrites]
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def perform_create(self, serializer):
        instance = serializer.save()
        instance._history_user = self.request.user


@extend_schema_view(
    create=extend_schema(responses={201: SendingQuotaSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: SendingQuotaSerializer, **WRITE_ERRORS}),
    partial_update=extend_schema(responses={200: SendingQuotaSerializer, **WRITE_ERRORS}),
    destroy=extend_schema(responses={204: None, 403: E403, 404: E404}),
)
class SendingQuotaViewSet(ScopedModelViewSet):
    """Sending quota rules of plans (a fixed count or a percentage range per unit)."""

    queryset = SendingQuota.objects.select_related("plan", "unit")
    serializer_class = SendingQuotaSerializer
    permission_classes = [ProvinceOfficialWrites]
    filterset_fields = ["plan", "unit"]


def _action_schema(request_serializer, summary):
    return extend_schema(request=request_serializer, responses={200: SecondmentSerializer, **ACTION_ERRORS},
                         summary=summary)  # fmt: skip


@extend_schema_view(
    create=extend_schema(responses={201: SecondmentSerializer, **WRITE_ERRORS}),
    update=extend_schema(responses={200: SecondmentSerializer, **ACTION_ERRORS}),
    partial_update=extend_schema(responses={200: SecondmentSerializer, **ACTION_ERRORS}),
    retrieve=extend_schema(responses={200: SecondmentSerializer, 404: E404}),
)
class SecondmentViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Movements in the user's scope, filtered like the movement list page."""

    serializer_class = SecondmentSerializer
    filterset_class = MovementFilterSet
    permission_classes = [permissions.IsAuthenticated]  # each write's service says who may

    def get_queryset(self):
        qs = Secondment.objects.select_related("person", "from_unit", "to_unit", "field", "plan")
        qs = qs.prefetch_related("extensions")
        return for_user(qs, self.request.user).order_by(*Secondment._meta.ordering)

    def perform_create(self, serializer):
        serializer.instance = call_service(
            services.secondment_create, by=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("propose", None)
        data.pop("end_running", None)
        serializer.instance = call_service(
            services.secondment_update, secondment=serializer.instance, by=self.request.user, **data
        )

    def _transition(self, request, fn, input_serializer=EmptySerializer, **mapping):
        m = self.get_object()
        # Role and status first: a refused action answers 403/409 whatever its input.
        call_service(services.check_action, user=request.user, action=self.action, m=m)
        data = input_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        kwargs = {mapping.get(k, k): v for k, v in data.validated_data.items()}
        m = call_service(fn, secondment=m, by=request.user, **kwargs)
        return Response(SecondmentSerializer(m, context=self.get_serializer_context()).data)

    @_action_schema(EmptySerializer, "Propose a draft movement")
    @action(detail=True, methods=["post"])
    def propose(self, request, pk=None):
        return self._transition(request, services.secondment_propose)

    @_action_schema(ApproveSerializer, "Approve with the decision number and date")
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, services.secondment_approve, ApproveSerializer)

    @_action_schema(ArrivalSerializer, "Confirm arrival (receiving unit)")
    @action(detail=True, methods=["post"], url_path="confirm-arrival")
    def confirm_arrival(self, request, pk=None):
        return self._transition(request, services.secondment_confirm_arrival, ArrivalSerializer, arrival_date="on")

    @_action_schema(ExtendSerializer, "Extend to a new end date under a decision")
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        return self._transition(request, services.secondment_extend, ExtendSerializer)

    @_action_schema(EndSerializer, "End a running temporary movement: its actual last day (default today)")
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        return self._transition(request, services.secondment_end, EndSerializer, actual_end_date="on")

    @_action_schema(CancelSerializer, "Cancel a movement that has not started (a started one is ended instead)")
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._transition(request, services.secondment_cancel, CancelSerializer)


@extend_schema_view(
    create=extend_schema(responses={201: CommuneRequestSerializer, **WRITE_ERRORS}),
    retrieve=extend_schema(responses={200: CommuneRequestSerializer, 404: E404}),
)
class StaffRequestViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Communes' requests for staff by field."""

    serializer_class = CommuneRequestSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["plan", "status", "field"]

    def get_queryset(self):
        qs = StaffRequest.objects.select_related("commune", "field", "plan")
        return for_user(qs, self.request.user).order_by(*StaffRequest._meta.ordering)

    def perform_create(self, serializer):
        user = self.request.user
        require(user, "staff_request.create", user.unit)
        if user.unit is None:
            raise PermissionDenied(RULES["staff_request.create"][1])
        serializer.instance = call_service(
            services.staff_request_create, by=user, commune=user.unit, **serializer.validated_data
        )

    @extend_schema(request=FulfilSerializer, responses={200: CommuneRequestSerializer, **ACTION_ERRORS})
    @action(detail=True, methods=["post"])
    def fulfil(self, request, pk=None):
        r = self.get_object()
        data = FulfilSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        movements = list(
            for_user(Secondment.objects.all(), request.user).filter(pk__in=data.validated_data["movements"])
        )
        r = call_service(services.staff_request_fulfil, request=r, by=request.user, movements=movements)
        return Response(CommuneRequestSerializer(r).data)
