"""REST API for fields and positions (read) and for staff and quotas (scoped CRUD, no deletes).

Writes cannot overwrite a newer change: a write sends the version it read, either as the ETag in
an ``If-Match`` header (a stale one answers 412) or as a ``version`` field (a stale one answers
409); a write with neither answers 428. Staff leave the roll through ``deactivate``, never DELETE.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import ScopedModelViewSet
from accounts.policy import require
from accounts.scoping import can_edit, for_user
from audit.services import audit_record
from staffing import services
from staffing.filters import ProvinceQuotaFilterSet, QuotaFilterSet, StaffFilterSet
from staffing.models import Absence, Field, Position, ProvinceQuota, Quota, QuotaRequest, Staff
from staffing.selectors import quota_pools
from staffing.serializers import (
    AbsenceSerializer,
    AssignmentSerializer,
    FieldSerializer,
    PoolDaySerializer,
    PositionSerializer,
    ProvinceQuotaSerializer,
    QuotaAcceptSerializer,
    QuotaRejectSerializer,
    QuotaRequestSerializer,
    QuotaSerializer,
    StaffLeaveSerializer,
    StaffSerializer,
)

VERSION_REQUIRED = _(
    "Send the version you read (the ETag in an If-Match header, or a version field), "
    "so that a newer change is not overwritten."
)
WRITE_RESPONSES = {
    400: OpenApiResponse(description="Invalid data"),
    403: OpenApiResponse(description="Your role may not change data"),
    404: OpenApiResponse(description="Not found or outside your scope"),
    409: OpenApiResponse(description="The version sent is not the current one"),
    412: OpenApiResponse(description="The If-Match ETag is not the current one"),
    428: OpenApiResponse(description="No version or If-Match sent"),
}


class FieldViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Field.objects.all()
    serializer_class = FieldSerializer
    filterset_fields = ["code", "is_specialised"]


class PositionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Position.objects.select_related("field")
    serializer_class = PositionSerializer
    filterset_fields = ["code", "group", "field"]


def etag(obj):
    return f'"{type(obj).__name__.lower()}-{obj.pk}-v{obj.version}"'


class VersionedViewSet(ScopedModelViewSet):
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag(self.get_object())
        return response

    def expected_version(self, obj, sent):
        """The version the writer read, and the status a mismatch answers with."""
        if_match = self.request.headers.get("If-Match")
        if if_match:
            tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
            if "*" in tags or etag(obj) in tags:
                return obj.version, status.HTTP_412_PRECONDITION_FAILED
            return -1, status.HTTP_412_PRECONDITION_FAILED
        if sent is not None:
            return sent, status.HTTP_409_CONFLICT
        return None, status.HTTP_428_PRECONDITION_REQUIRED

    def versioned_write(self, obj, sent, write):
        version, refusal = self.expected_version(obj, sent)
        if version is None:
            return Response({"detail": str(VERSION_REQUIRED)}, status=refusal)
        try:
            if version == -1:
                raise services.StaleVersion(type(obj).objects.get(pk=obj.pk))
            saved = write(version)
        except services.StaleVersion as exc:
            current = self.get_serializer(exc.current).data
            return Response({"detail": str(exc.message), "current": current}, status=refusal)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        response = Response(self.get_serializer(saved).data)
        response["ETag"] = etag(saved)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        obj = self.get_object()
        serializer = self.get_serializer(obj, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        return self.versioned_write(obj, serializer.sent_version, lambda v: self.write_update(obj, v, serializer))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            obj = self.write_create(serializer)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        response = Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)
        response["ETag"] = etag(obj)
        return response


@extend_schema_view(
    create=extend_schema(responses={201: StaffSerializer, **WRITE_RESPONSES}),
    update=extend_schema(responses={200: StaffSerializer, **WRITE_RESPONSES}),
    partial_update=extend_schema(responses={200: StaffSerializer, **WRITE_RESPONSES}),
)
class StaffViewSet(VersionedViewSet):
    """People with their placement today. Placement fields written on update change the placement
    from ``effective_from`` (default today), never the past, unless it is a correction."""

    serializer_class = StaffSerializer
    filterset_class = StaffFilterSet

    def get_queryset(self):
        qs = Staff.objects.with_placement(timezone.localdate()).annotate(placed_unit_code=F("placed__unit__code"))
        return for_user(qs.order_by("pk"), self.request.user)

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_record(request, "staff.list", params=request.query_params, rows=response.data["count"])
        return response

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        audit_record(request, "staff.view", staff=self.get_object())
        return response

    def reread(self, obj):
        return self.get_queryset().get(pk=obj.pk)

    def write_create(self, serializer):
        data, change = serializer.validated_data, serializer.change
        return self.reread(
            services.staff_create(
                by=self.request.user,
                placement=serializer.placement,
                effective_from=change.get("effective_from"),
                decision_number=change.get("decision_number", ""),
                decision_date=change.get("decision_date"),
                **data,
            )
        )

    def write_update(self, obj, version, serializer):
        data, placement, change = serializer.validated_data, serializer.placement, serializer.change
        with transaction.atomic():
            person = obj
            if data:
                person = services.staff_update(staff=obj, by=self.request.user, version=version, **data)
                version = person.version
            elif version != Staff.objects.get(pk=obj.pk).version:
                raise services.StaleVersion(Staff.objects.get(pk=obj.pk))
            if placement:
                try:
                    services.placement_change(
                        staff=person,
                        by=self.request.user,
                        version=version,
                        effective_from=change.get("effective_from") or timezone.localdate(),
                        reason=change.get("reason", ""),
                        decision_number=change.get("decision_number", ""),
                        decision_date=change.get("decision_date"),
                        **placement,
                    )
                except PermissionDenied as exc:
                    raise DjangoValidationError({"effective_from": str(exc)}) from exc
        return self.reread(obj)

    @extend_schema(request=StaffLeaveSerializer, responses={200: StaffSerializer, **WRITE_RESPONSES})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Take the person off the roll after ``end_date`` (their last day). In the same transaction
        their running temporary movement ends that day and pending movements are cancelled; the
        response lists them under ``done``."""
        obj = self.get_object()
        form = StaffLeaveSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        done = []

        def leave(version):
            result = services.staff_leave(
                staff=obj, by=request.user, version=version, status=data["status"], end_date=data["end_date"]
            )
            done.extend(str(text) for text in result.done)
            return self.reread(obj)

        response = self.versioned_write(obj, data.get("version"), leave)
        if response.status_code == 200:
            response.data = {**response.data, "done": done}
        return response

    @extend_schema(responses={200: AssignmentSerializer(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def assignments(self, request, pk=None):
        """The person's placements over time, oldest first; corrections are marked."""
        obj = self.get_object()
        rows = obj.assignments.select_related("unit").order_by("valid_from")
        return Response(AssignmentSerializer(rows, many=True).data)


@extend_schema_view(
    create=extend_schema(responses={201: AbsenceSerializer, **WRITE_RESPONSES}),
    update=extend_schema(responses={200: AbsenceSerializer, **WRITE_RESPONSES}),
    partial_update=extend_schema(responses={200: AbsenceSerializer, **WRITE_RESPONSES}),
)
class AbsenceViewSet(VersionedViewSet):
    """Absences (maternity, long sick leave, study, suspension, military service, unpaid leave …)."""

    queryset = Absence.objects.select_related("person")
    serializer_class = AbsenceSerializer
    filterset_fields = ["person", "kind"]

    def write_create(self, serializer):
        data = dict(serializer.validated_data)
        person = data.pop("person")
        self.check_person(person)
        return services.absence_create(by=self.request.user, person=person, **data)

    def write_update(self, obj, version, serializer):
        data = dict(serializer.validated_data)
        data.pop("person", None)
        self.check_person(obj.person)
        return services.absence_update(absence=obj, by=self.request.user, version=version, **data)

    def check_person(self, person):
        placement = person.current_placement()
        if placement is None or not can_edit(self.request.user, placement.unit):
            raise PermissionDenied(_("The person is not placed in a unit you may change."))


@extend_schema_view(
    create=extend_schema(responses={201: QuotaSerializer, **WRITE_RESPONSES}),
    update=extend_schema(responses={200: QuotaSerializer, **WRITE_RESPONSES}),
    partial_update=extend_schema(responses={200: QuotaSerializer, **WRITE_RESPONSES}),
)
class QuotaViewSet(VersionedViewSet):
    queryset = Quota.objects.select_related("unit", "field")
    serializer_class = QuotaSerializer
    filterset_class = QuotaFilterSet

    def write_create(self, serializer):
        return services.quota_set(by=self.request.user, **serializer.validated_data)

    def write_update(self, obj, version, serializer):
        return services.quota_update(quota=obj, by=self.request.user, version=version, **serializer.validated_data)


ACTION_RESPONSES = {
    400: OpenApiResponse(description="Invalid data, or the request was already decided"),
    403: OpenApiResponse(description="Only a province official decides quota requests"),
    404: OpenApiResponse(description="Not found or outside your scope"),
}


@extend_schema_view(
    create=extend_schema(
        responses={
            201: QuotaRequestSerializer,
            400: OpenApiResponse(description="Invalid data"),
            403: OpenApiResponse(description="Only the unit's own officer requests posts for it"),
        }
    ),
)
class QuotaRequestViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """Units' requests for posts. A unit officer creates one for their unit; a province official
    answers with ``accept`` (recording the quota decision) or ``reject`` (with a reply)."""

    serializer_class = QuotaRequestSerializer
    filterset_fields = ["status", "unit", "field", "category"]

    def get_queryset(self):
        qs = QuotaRequest.objects.select_related("unit", "field")
        return for_user(qs, self.request.user).order_by(*QuotaRequest._meta.ordering)

    def perform_create(self, serializer):
        try:
            serializer.instance = services.quota_request_create(by=self.request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc

    def _decide(self, request, data_class, write):
        r = self.get_object()
        require(request.user, "quota_request.decide", r)
        data = data_class(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            r = write(r, data.validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        return Response(QuotaRequestSerializer(r).data)

    @extend_schema(request=QuotaAcceptSerializer, responses={200: QuotaRequestSerializer, **ACTION_RESPONSES})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept: the quota decision is recorded (``count`` defaults to the posts requested)."""
        return self._decide(
            request,
            QuotaAcceptSerializer,
            lambda r, d: services.quota_request_accept(request=r, by=request.user, **d),
        )

    @extend_schema(request=QuotaRejectSerializer, responses={200: QuotaRequestSerializer, **ACTION_RESPONSES})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._decide(
            request,
            QuotaRejectSerializer,
            lambda r, d: services.quota_request_reject(request=r, by=request.user, reply=d["reply"]),
        )


ON_PARAMETER = OpenApiParameter(
    "on",
    OpenApiTypes.DATE,
    description="The day the pool, allocated and unallocated figures are computed on (default today); "
    "the list holds the decisions in force that day.",
)


@extend_schema_view(
    list=extend_schema(parameters=[ON_PARAMETER]),
    retrieve=extend_schema(parameters=[ON_PARAMETER]),
    create=extend_schema(
        responses={
            201: ProvinceQuotaSerializer,
            400: OpenApiResponse(description="Invalid data, or a pool below what the units already hold"),
            403: OpenApiResponse(description="Only a province official of that province records its pool"),
        }
    ),
)
class ProvinceQuotaViewSet(
    mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet
):
    """The province's allocation from the central level per category (its pool). Each row carries
    the pool in force, the posts its units' quotas hold and what is left unallocated on ``on``. A
    province official records a pool decision for their province; a decision on the same date as an
    earlier one corrects it."""

    serializer_class = ProvinceQuotaSerializer
    filterset_class = ProvinceQuotaFilterSet

    def get_queryset(self):
        qs = ProvinceQuota.objects.select_related("province")
        if self.action == "list":
            qs = qs.in_force_on(self.day())
        return for_user(qs, self.request.user).order_by("province__code", "category", "-effective_from", "pk")

    def day(self):
        if not hasattr(self, "_day"):
            form = PoolDaySerializer(data=self.request.query_params)
            form.is_valid(raise_exception=True)
            self._day = form.validated_data.get("on") or timezone.localdate()
        return self._day

    def figures(self, rows, day):
        return {"on": day, "pools": quota_pools({row.province_id for row in rows}, day)}

    def list(self, request, *args, **kwargs):
        day = self.day()
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), **self.figures(page, day)}
        return self.get_paginated_response(ProvinceQuotaSerializer(page, many=True, context=context).data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        context = {**self.get_serializer_context(), **self.figures([obj], self.day())}
        return Response(ProvinceQuotaSerializer(obj, context=context).data)

    def create(self, request, *args, **kwargs):
        require(request.user, "quota.pool")  # the province itself is checked by the service
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            obj = services.province_quota_set(by=request.user, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from exc
        context = {**self.get_serializer_context(), **self.figures([obj], obj.effective_from)}
        return Response(ProvinceQuotaSerializer(obj, context=context).data, status=status.HTTP_201_CREATED)
