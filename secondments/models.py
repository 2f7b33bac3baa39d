from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.dates import fmt, last_day_within_months
from staffing.models import Assignment, StaffStatus


class Kind(models.TextChoices):
    SECONDMENT = "secondment", _("Secondment")
    REINFORCEMENT = "reinforcement", _("Reinforcement")
    TRANSFER = "transfer", _("Transfer")
    ROTATION = "rotation", _("Rotation")


TEMPORARY_KINDS = (Kind.SECONDMENT, Kind.REINFORCEMENT, Kind.ROTATION)

# The longest a temporary movement may last, in calendar months, with or without a plan (a plan
# may set a shorter bound). A secondment of a civil servant or public employee lasts at most three
# years under the decrees on civil servants and on public employees; reinforcements and rotations
# of staff to communes are held to the same bound, as the provinces' plans are.
LEGAL_MAX_MONTHS = {
    Kind.SECONDMENT: 36,
    Kind.REINFORCEMENT: 36,
    Kind.ROTATION: 36,
}


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", pgettext_lazy("movement status", "Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# The badge colour of each status (Bootstrap's text-bg-…), on every page that shows one.
STATUS_BADGES = {
    Status.DRAFT: "secondary",
    Status.PROPOSED: "info",
    Status.APPROVED: "primary",
    Status.ACTIVE: "success",
    Status.COMPLETED: "dark",
}


def status_badge_css(status):
    return STATUS_BADGES.get(status, "light")


# A temporary movement counts in headcount from its start date once it is decided (approved or
# later); the hourly job that marks it active is bookkeeping and the numbers do not wait for it.
# A transfer counts through the assignment it opens when it is applied on its start date.
EFFECTIVE_STATUSES = (Status.APPROVED, Status.ACTIVE, Status.COMPLETED)
DECIDED_STATUSES = EFFECTIVE_STATUSES
# A movement not yet ended or cancelled: one person has at most one such transfer.
OPEN_STATUSES = (Status.DRAFT, Status.PROPOSED, Status.APPROVED, Status.ACTIVE)


def all_kinds():
    return list(Kind.values)


class Plan(models.Model):
    """A movement plan (kế hoạch, đề án) of a province.

    It sets which kinds of movement it allows, how long they may last and how many people each
    department sends; movements nominated under it must fit those bounds.
    """

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="plans"
    )
    name = models.CharField(_("name"), max_length=255)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    issuing_body = models.CharField(_("issuing body"), max_length=255, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    min_duration_days = models.PositiveIntegerField(_("minimum duration (days)"), default=7)
    max_duration_days = models.PositiveIntegerField(_("maximum duration (days)"), default=1096)
    note = models.TextField(_("note"), blank=True)
    allowed_kinds = models.JSONField(
        _("allowed kinds"), default=all_kinds, help_text=_("Kinds of movement nominated under this plan.")
    )
    priority_fields = models.ManyToManyField(
        "staffing.Field", verbose_name=_("priority fields"), blank=True, related_name="priority_in_plans"
    )
    priority_communes = models.ManyToManyField(
        "communes.Unit",
        verbose_name=_("priority communes"),
        blank=True,
        related_name="priority_in_plans",
        help_text=_("E.g. especially disadvantaged or border communes."),
    )
    target_secondment = models.PositiveIntegerField(_("target: secondments"), null=True, blank=True)
    target_reinforcement = models.PositiveIntegerField(_("target: reinforcements"), null=True, blank=True)
    target_transfer = models.PositiveIntegerField(_("target: transfers"), null=True, blank=True)
    target_rotation = models.PositiveIntegerField(_("target: rotations"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    scope_paths = {"province": "province", "unit": None}

    class Meta:
        ordering = ["-period_start", "name"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="plan_period_end_after_start",
                violation_error_message=_("The plan's period must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(max_duration_days__gte=F("min_duration_days")),
                name="plan_duration_bounds_ordered",
                violation_error_message=_("The maximum duration must not be shorter than the minimum."),
            ),
            models.CheckConstraint(
                condition=Q(min_duration_days__gte=1) & Q(max_duration_days__lte=1096),
                name="plan_duration_within_36_months",
                violation_error_message=_("Durations range from one day to 36 months."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("plan-detail", args=[self.pk])

    def targets(self) -> dict:
        """Target number of people per kind (None where the plan sets no target)."""
        return {kind: getattr(self, f"target_{kind}") for kind in Kind.values}

    def clean(self):
        super().clean()
        kinds = self.allowed_kinds
        if not isinstance(kinds, list) or not kinds or any(k not in Kind.values for k in kinds):
            raise ValidationError({"allowed_kinds": _("Choose at least one kind of movement.")})
        self.allowed_kinds = [k for k in Kind.values if k in kinds]


class QuotaRule(models.TextChoices):
    FIXED = "fixed", _("Fixed count")
    PERCENT = "percent", _("Percentage of active staff")


# Translators: the percent signs are literal, not placeholders.
# xgettext:no-python-format
QUOTA_ROUNDING_RULE = _(
    "A percentage of a department's active staff is rounded to the nearest whole person, halves up "
    "(5% of 143 = 7.15 → 7; 7% of 40 = 2.8 → 3). A fixed count cannot exceed the department's "
    "active staff (10 from a department of 8 → 8)."
)


def round_people(value: Decimal) -> int:
    """Nearest whole person, halves up (see QUOTA_ROUNDING_RULE)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


class SendingQuota(models.Model):
    """How many people one department (or public service unit) sends under a plan.

    Either a fixed count ("each department sends 10 staff") or a range of percentages of the
    unit's active staff ("5–7% of existing civil servants"); ``required_range`` applies the
    rounding rule stated in ``QUOTA_ROUNDING_RULE``.
    """

    plan = models.ForeignKey(Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="sending_quotas")
    unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("sending unit"), on_delete=models.PROTECT, related_name="sending_quotas"
    )
    rule = models.CharField(_("rule"), max_length=8, choices=QuotaRule.choices, default=QuotaRule.FIXED)
    count = models.PositiveIntegerField(_("fixed count"), null=True, blank=True)
    min_percent = models.DecimalField(_("minimum %"), max_digits=5, decimal_places=2, null=True, blank=True)
    max_percent = models.DecimalField(_("maximum %"), max_digits=5, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    scope_paths = {"province": "plan__province", "unit": None}

    class Meta:
        ordering = ["plan", "unit__name", "unit__code"]
        verbose_name = _("sending quota")
        verbose_name_plural = _("sending quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "unit"],
                name="sending_quota_unique_plan_unit",
                violation_error_message=_("This unit already has a sending quota in the plan."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="fixed") | Q(count__isnull=False, count__gte=1),
                name="sending_quota_fixed_has_count",
                violation_error_message=_("A fixed quota needs a count of at least 1."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="percent")
                | Q(
                    min_percent__isnull=False,
                    max_percent__isnull=False,
                    min_percent__gt=0,
                    max_percent__lte=100,
                    max_percent__gte=F("min_percent"),
                ),
                name="sending_quota_percent_range",
                violation_error_message=_(
                    "A percentage quota needs a minimum above 0 and a maximum between the minimum and 100."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.unit}: {self.describe()}"

    def describe(self) -> str:
        if self.rule == QuotaRule.FIXED:
            return str(self.count)
        if self.min_percent == self.max_percent:
            return f"{self.min_percent.normalize()}%"
        return f"{self.min_percent.normalize()}–{self.max_percent.normalize()}%"

    def required_range(self, active_staff: int) -> tuple[int, int]:
        """(minimum, maximum) number of people to send, given the unit's active staff."""
        if self.rule == QuotaRule.FIXED:
            n = min(self.count, active_staff)
            return n, n
        low = round_people(self.min_percent * active_staff / 100)
        high = round_people(self.max_percent * active_staff / 100)
        return low, high

    def clean(self):
        super().clean()
        if self.unit_id and self.plan_id and self.unit.province_id != self.plan.province_id:
            raise ValidationError({"unit": _("The unit is not in the plan's province.")})


class RequestStatus(models.TextChoices):
    OPEN = "open", _("Open")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class StaffRequest(models.Model):
    """A commune's request for staff in one field (đề nghị bổ sung cán bộ).

    The commune officer states how many people of which field the commune needs; a province
    official fulfils it with movements, which then point back at the request.
    """

    commune = models.ForeignKey(
        "communes.Unit", verbose_name=_("commune"), on_delete=models.PROTECT, related_name="staff_requests"
    )
    field = models.ForeignKey(
        "staffing.Field", verbose_name=_("field"), on_delete=models.PROTECT, related_name="staff_requests"
    )
    count = models.PositiveIntegerField(_("people needed"))
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, null=True, blank=True, related_name="staff_requests"
    )
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    history = HistoricalRecords()

    scope_paths = {"province": "commune__province", "unit": ["commune"]}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("staff request")
        verbose_name_plural = _("staff requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(count__gte=1),
                name="staff_request_count_positive",
                violation_error_message=_("Request at least one person."),
            ),
        ]

    def __str__(self):
        return f"{self.commune} · {self.field}: {self.count}"

    def get_absolute_url(self):
        return reverse("secondments:request-detail", args=[self.pk])

    @property
    def status_label(self):
        return self.get_status_display()

    @property
    def requested_on(self):
        """The day the request was made, in the local time zone."""
        return timezone.localdate(self.created_at)

    def clean(self):
        super().clean()
        if self.commune_id and not self.commune.is_commune_level:
            raise ValidationError({"commune": _("Only communes, wards and special zones request staff.")})
        if self.plan_id and self.commune_id and self.plan.province_id != self.commune.province_id:
            raise ValidationError({"plan": _("The plan belongs to another province.")})


class SecondmentQuerySet(models.QuerySet):
    def temporary(self):
        return self.filter(kind__in=TEMPORARY_KINDS)

    def with_end(self):
        return self.annotate(effective_end=Coalesce("actual_end_date", "planned_end_date"))

    def in_effect_q(self, day, prefix=""):
        """Q for temporary movements decided and running on ``day`` (both ends inclusive)."""
        p = prefix
        return Q(
            **{f"{p}kind__in": TEMPORARY_KINDS, f"{p}status__in": EFFECTIVE_STATUSES, f"{p}start_date__lte": day}
        ) & (
            Q(**{f"{p}actual_end_date__gte": day})
            | Q(**{f"{p}actual_end_date__isnull": True, f"{p}planned_end_date__gte": day})
        )

    def in_effect_on(self, day):
        return self.filter(self.in_effect_q(day))

    def in_effect_between_q(self, first, last, prefix=""):
        """Q for temporary movements in effect on at least one day of [first, last]."""
        p = prefix
        return Q(
            **{f"{p}kind__in": TEMPORARY_KINDS, f"{p}status__in": EFFECTIVE_STATUSES, f"{p}start_date__lte": last}
        ) & (
            Q(**{f"{p}actual_end_date__gte": first})
            | Q(**{f"{p}actual_end_date__isnull": True, f"{p}planned_end_date__gte": first})
        )

    def overlapping(self, *, person_id, start, end, exclude_pk=None):
        """Non-cancelled temporary movements of the person whose dates meet [start, end]."""
        qs = (
            self.temporary()
            .exclude(status=Status.CANCELLED)
            .filter(person_id=person_id, start_date__lte=end)
            .filter(Q(actual_end_date__gte=start) | Q(actual_end_date__isnull=True, planned_end_date__gte=start))
        )
        return qs.exclude(pk=exclude_pk) if exclude_pk else qs

    def open_transfers(self):
        return self.filter(kind=Kind.TRANSFER, status__in=OPEN_STATUSES)


class Secondment(models.Model):
    """A movement of one person between units: biệt phái, tăng cường, điều động or luân chuyển.

    Secondment, reinforcement and rotation are temporary: the person stays on the sending unit's
    roll and quota and works at the receiving unit from ``start_date`` to the end date (both
    inclusive). A transfer is permanent: it changes the person's home unit from ``start_date``.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    person = models.ForeignKey(
        "staffing.Staff", verbose_name=_("person"), on_delete=models.PROTECT, related_name="movements"
    )
    from_unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("from unit"), on_delete=models.PROTECT, related_name="movements_out"
    )
    to_unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("to unit"), on_delete=models.PROTECT, related_name="movements_in"
    )
    field = models.ForeignKey(
        "staffing.Field",
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="movements",
        help_text=_("Field of the work at the receiving unit."),
    )
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    start_date = models.DateField(_("start date"))
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True, help_text=_("Last working day."))
    actual_end_date = models.DateField(_("actual end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    request = models.ForeignKey(
        StaffRequest,
        verbose_name=_("staff request"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="movements",
        help_text=_("The commune's request this movement fulfils."),
    )
    over_quota_reason = models.TextField(
        _("reason for exceeding the sending quota"),
        blank=True,
        help_text=_("Required to approve beyond the sending unit's quota in the plan."),
    )
    arrival_date = models.DateField(
        _("arrival confirmed on"), null=True, blank=True, help_text=_("Confirmed by the receiving unit.")
    )
    assignment = models.OneToOneField(
        "staffing.Assignment",
        verbose_name=_("placement opened"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transfer",
        help_text=_("The placement at the receiving unit that an applied transfer opened."),
    )
    problem = models.TextField(
        _("problem"), blank=True, help_text=_("Why an approved transfer could not be applied on its start date.")
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = SecondmentQuerySet.as_manager()

    scope_paths = {"province": "from_unit__province", "unit": ["from_unit", "to_unit"]}

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")
        indexes = [
            models.Index(fields=["status", "start_date"], name="movement_status_start_idx"),
            models.Index(fields=["to_unit", "status"], name="movement_to_status_idx"),
            models.Index(fields=["from_unit", "status"], name="movement_from_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(to_unit=F("from_unit")),
                name="movement_units_differ",
                violation_error_message=_("The receiving unit must differ from the sending unit."),
            ),
            models.CheckConstraint(
                condition=Q(kind="transfer") | Q(planned_end_date__isnull=False),
                name="movement_temporary_has_end",
                violation_error_message=_("A temporary movement needs a planned end date."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=F("start_date")),
                name="movement_planned_end_after_start",
                violation_error_message=_("The planned end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(actual_end_date__isnull=True) | Q(actual_end_date__gte=F("start_date")),
                name="movement_actual_end_after_start",
                violation_error_message=_("The actual end date must not be before the start date."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "active", "completed"])
                | (Q(decision_date__isnull=False) & ~Q(decision_number="")),
                name="movement_decided_has_decision",
                violation_error_message=_("An approved movement needs its decision number and date."),
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(kind="transfer", status__in=["draft", "proposed", "approved", "active"]),
                name="movement_one_open_transfer_per_person",
                violation_error_message=_("This person already has a transfer that is pending or under way."),
            ),
        ]
        # On PostgreSQL an exclusion constraint (migration 0002) also forbids overlapping
        # temporary movements of one person; clean() checks the same rule on every database.

    def __str__(self):
        return f"{self.get_kind_display()}: {self.person.full_name} → {self.to_unit}"

    @property
    def is_temporary(self):
        return self.kind in TEMPORARY_KINDS

    @property
    def end_date(self):
        return self.actual_end_date or self.planned_end_date

    @property
    def kind_label(self):
        return self.get_kind_display()

    @property
    def status_label(self):
        return self.get_status_display()

    def get_absolute_url(self):
        return reverse("secondments:movement-detail", args=[self.pk])

    @property
    def status_css(self):
        return status_badge_css(self.status)

    @property
    def duration_days(self):
        """Days from start to end, both inclusive (None for transfers)."""
        if self.end_date is None or self.start_date is None:
            return None
        return (self.end_date - self.start_date).days + 1

    def overlap_error(self, clash):
        return ValidationError(
            _(
                "%(person)s already has a movement to %(unit)s from %(start)s to %(end)s "
                "(no. %(pk)s); one person can have only one temporary movement at a time."
            )
            % {
                "person": self.person.full_name,
                "unit": clash.to_unit,
                "start": clash.start_date.strftime("%d/%m/%Y"),
                "end": clash.end_date.strftime("%d/%m/%Y"),
                "pk": clash.pk,
            },
            code="overlap",
        )

    def find_overlap(self):
        if not (self.is_temporary and self.person_id and self.start_date and self.end_date):
            return None
        if self.status == Status.CANCELLED:
            return None
        return (
            Secondment.objects.overlapping(
                person_id=self.person_id, start=self.start_date, end=self.end_date, exclude_pk=self.pk
            )
            .select_related("to_unit")
            .first()
        )

    def clean(self):
        super().clean()
        if not (self.person_id and self.start_date):
            return
        clash = self.find_overlap()
        if clash:
            raise self.overlap_error(clash)
        errors = {}
        if self.status in (Status.DRAFT, Status.PROPOSED):
            errors.update(self._nomination_errors())
            if self.plan_id:
                errors.update(self._plan_errors())
        if self.status in OPEN_STATUSES:
            errors.update(self._sequence_errors())
            errors.update(self._legal_duration_errors())
        if errors:
            raise ValidationError(errors)

    def _nomination_errors(self):
        """The person can be moved: on the roll and placed at the sending unit on the start date."""
        person = self.person
        if person.status != StaffStatus.ACTIVE:
            return {
                "person": _("%(person)s is not active (%(status)s) and cannot be moved.")
                % {"person": person.full_name, "status": person.get_status_display()}
            }
        placement = (
            Assignment.objects.in_force_on(self.start_date).filter(person_id=self.person_id).select_related("unit")
        ).first()
        if placement is None:
            return {
                "start_date": _("%(person)s is not on the roll on the start date (%(day)s).")
                % {"person": person.full_name, "day": fmt(self.start_date)}
            }
        if self.from_unit_id and placement.unit_id != self.from_unit_id:
            return {
                "from_unit": _("The sending unit must be the person's home unit on the start date (%(unit)s).")
                % {"unit": placement.unit}
            }
        return {}

    def running_temporary(self):
        """For a transfer: the person's temporary movement still running on or after its start date."""
        return (
            Secondment.objects.temporary()
            .filter(person_id=self.person_id, status__in=OPEN_STATUSES)
            .filter(
                Q(actual_end_date__gte=self.start_date)
                | Q(actual_end_date__isnull=True, planned_end_date__gte=self.start_date)
            )
            .exclude(pk=self.pk)
            .select_related("to_unit")
            .order_by("start_date")
            .first()
        )

    def _sequence_errors(self):
        """One transfer at a time, and no transfer while a temporary movement runs (either order)."""
        others = Secondment.objects.filter(person_id=self.person_id).exclude(pk=self.pk).select_related("to_unit")
        if self.kind == Kind.TRANSFER:
            transfer = others.open_transfers().first()
            if transfer is not None:
                return {
                    "person": ValidationError(
                        _(
                            "%(person)s already has a transfer to %(unit)s (no. %(pk)s, %(status)s); one person can "
                            "have only one pending or running transfer."
                        )
                        % {
                            "person": self.person.full_name,
                            "unit": transfer.to_unit,
                            "pk": transfer.pk,
                            "status": transfer.get_status_display().lower(),
                        },
                        code="open_transfer",
                    )
                }
            running = self.running_temporary()
            if running is not None:
                return {
                    "start_date": ValidationError(
                        _(
                            "%(person)s has a movement to %(unit)s (no. %(pk)s) until %(end)s. A transfer starting "
                            "%(start)s needs that movement ended on %(before)s first."
                        )
                        % {
                            "person": self.person.full_name,
                            "unit": running.to_unit,
                            "pk": running.pk,
                            "end": fmt(running.end_date),
                            "start": fmt(self.start_date),
                            "before": fmt(self.start_date - timedelta(days=1)),
                        },
                        code="running_temporary",
                        params={"movement": running.pk},
                    )
                }
        elif self.end_date:
            transfer = others.open_transfers().filter(start_date__lte=self.end_date).first()
            if transfer is not None:
                return {
                    "planned_end_date": ValidationError(
                        _(
                            "%(person)s is to be transferred to %(unit)s from %(start)s (no. %(pk)s); this movement "
                            "must end before then."
                        )
                        % {
                            "person": self.person.full_name,
                            "unit": transfer.to_unit,
                            "start": fmt(transfer.start_date),
                            "pk": transfer.pk,
                        },
                        code="pending_transfer",
                    )
                }
        return {}

    def _legal_duration_errors(self):
        months = LEGAL_MAX_MONTHS.get(self.kind)
        if months is None or self.end_date is None:
            return {}
        last = last_day_within_months(self.start_date, months)
        if self.end_date <= last:
            return {}
        return {
            "planned_end_date": _(
                "A %(kind)s lasts at most %(months)s months by law: starting %(start)s, it must end by %(last)s."
            )
            % {
                "kind": self.get_kind_display().lower(),
                "months": months,
                "start": fmt(self.start_date),
                "last": fmt(last),
            }
        }

    def _plan_errors(self):
        plan, errors = self.plan, {}
        if self.from_unit_id and plan.province_id != self.from_unit.province_id:
            errors["plan"] = _("The plan belongs to another province.")
        elif self.kind and self.kind not in plan.allowed_kinds:
            errors["kind"] = _("The plan does not allow movements of this kind (%(kind)s).") % {
                "kind": self.get_kind_display()
            }
        if not (plan.period_start <= self.start_date <= plan.period_end):
            errors["start_date"] = _("The start date must fall within the plan's period (%(start)s–%(end)s).") % {
                "start": plan.period_start.strftime("%d/%m/%Y"),
                "end": plan.period_end.strftime("%d/%m/%Y"),
            }
        days = self.duration_days
        if self.is_temporary and days is not None and days > 0:
            if not (plan.min_duration_days <= days <= plan.max_duration_days):
                errors["planned_end_date"] = _(
                    "The duration (%(days)s days) must be between %(min)s and %(max)s days under this plan."
                ) % {"days": days, "min": plan.min_duration_days, "max": plan.max_duration_days}
        return errors


class Extension(models.Model):
    """An extension of a temporary movement: a new end date and the decision behind it.

    Every extension is kept, so the movement's page shows each end date it has had.
    """

    secondment = models.ForeignKey(
        Secondment, verbose_name=_("movement"), on_delete=models.CASCADE, related_name="extensions"
    )
    previous_end_date = models.DateField(_("previous end date"))
    new_end_date = models.DateField(_("new end date"))
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    scope_paths = {
        "province": "secondment__from_unit__province",
        "unit": ["secondment__from_unit", "secondment__to_unit"],
    }

    class Meta:
        ordering = ["secondment", "created_at", "pk"]
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_end_date__gt=F("previous_end_date")),
                name="extension_moves_end_later",
                violation_error_message=_("The new end date must be after the current end date."),
            ),
        ]

    def __str__(self):
        return f"{self.secondment_id}: {self.previous_end_date} → {self.new_end_date}"
