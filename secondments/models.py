from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    SECONDMENT = "secondment", _("Secondment")
    REINFORCEMENT = "reinforcement", _("Reinforcement")
    TRANSFER = "transfer", _("Transfer")
    ROTATION = "rotation", _("Rotation")


TEMPORARY_KINDS = (Kind.SECONDMENT, Kind.REINFORCEMENT, Kind.ROTATION)


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


# A movement counts in headcount from its start date once it is decided (approved or later); the
# hourly job that marks it active is bookkeeping and the numbers do not wait for it.
EFFECTIVE_STATUSES = (Status.APPROVED, Status.ACTIVE, Status.COMPLETED)
DECIDED_STATUSES = EFFECTIVE_STATUSES


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


class SecondmentQuerySet(models.QuerySet):
    def temporary(self):
        return self.filter(kind__in=TEMPORARY_KINDS)

    def with_end(self):
        return self.annotate(effective_end=Coalesce("actual_end_date", "planned_end_date"))

    def in_effect_on(self, day):
        """Temporary movements decided and running on ``day`` (both ends inclusive)."""
        return (
            self.temporary()
            .filter(status__in=EFFECTIVE_STATUSES, start_date__lte=day)
            .filter(Q(actual_end_date__gte=day) | Q(actual_end_date__isnull=True, planned_end_date__gte=day))
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

    def clean(self):
        super().clean()
        if not (self.person_id and self.start_date):
            return
        if self.is_temporary and self.end_date and self.status != Status.CANCELLED:
            clash = (
                Secondment.objects.overlapping(
                    person_id=self.person_id, start=self.start_date, end=self.end_date, exclude_pk=self.pk
                )
                .select_related("to_unit")
                .first()
            )
            if clash:
                raise ValidationError(
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
        if self.from_unit_id and self.status in (Status.DRAFT, Status.PROPOSED):
            if self.person.home_unit_id != self.from_unit_id:
                raise ValidationError(
                    {
                        "from_unit": _("The sending unit must be the person's home unit (%(unit)s).")
                        % {"unit": self.person.home_unit}
                    }
                )
