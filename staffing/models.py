from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from core.text import normalize_search, vietnamese_name_sort_key


class Field(models.Model):
    """A professional field (lĩnh vực chuyên môn): land, finance, IT and digital transformation …

    Quotas, positions, staff and movements are all counted per field, because a commune can be in
    surplus overall while lacking people in the fields that matter.
    """

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_vi = models.CharField(_("Vietnamese name"), max_length=120)
    name_en = models.CharField(_("English name"), max_length=120)
    is_specialised = models.BooleanField(
        _("specialised"), default=True, help_text=_("Professional field where shortages are tracked closely.")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("field")
        verbose_name_plural = _("fields")

    def __str__(self):
        return getattr(self, self.name_column())

    @staticmethod
    def name_column():
        """The name shown in the active language: ``name_en`` in English, ``name_vi`` otherwise."""
        from django.utils.translation import get_language

        return "name_en" if (get_language() or "vi").startswith("en") else "name_vi"

    @property
    def name(self):
        return str(self)


class PositionGroup(models.TextChoices):
    LEADERSHIP = "leadership", _("Leadership and management")
    SPECIALISED = "specialised", _("Specialised professional")
    COMMON = "common", _("Common professional")
    SUPPORT = "support", _("Support and service")


class Position(models.Model):
    """A job position (vị trí việc làm) from the national catalogue, with its field and level."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200)
    group = models.CharField(_("group"), max_length=16, choices=PositionGroup.choices)
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="positions")
    level = models.CharField(
        _("level"), max_length=64, blank=True, help_text=_("Civil service rank, e.g. chuyên viên.")
    )
    description = models.TextField(_("job description"), blank=True)
    competency = models.TextField(_("competency requirements"), blank=True)

    class Meta:
        ordering = ["field__sort_order", "group", "code"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.name


class Category(models.TextChoices):
    CADRE = "cadre", _("Cadre")
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    PUBLIC_EMPLOYEE = "public_employee", _("Public employee")
    CONTRACT = "contract", _("Labour contract")


# A sane maximum for a number of posts in one decision (the largest province has a few tens of thousands).
QUOTA_MAX = 100_000


class QuotaQuerySet(models.QuerySet):
    def in_force_q(self, day):
        """Q for the decision in force on ``day`` for each (unit, field, category): the latest that
        has taken effect by then."""
        superseded = Quota.objects.filter(
            unit=models.OuterRef("unit"),
            field=models.OuterRef("field"),
            category=models.OuterRef("category"),
            effective_from__gt=models.OuterRef("effective_from"),
            effective_from__lte=day,
        )
        return Q(effective_from__lte=day) & ~models.Exists(superseded)

    def in_force_on(self, day):
        return self.filter(self.in_force_q(day))


class Quota(models.Model):
    """Posts assigned to a unit (biên chế được giao) in one field and category.

    A quota holds from ``effective_from`` until a later decision for the same unit, field and
    category replaces it; the rows keep the history of decisions.
    """

    unit = models.ForeignKey("communes.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="quotas")
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="quotas")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    count = models.PositiveIntegerField(_("assigned posts"))
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    effective_from = models.DateField(_("effective from"))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = QuotaQuerySet.as_manager()

    scope_paths = {"province": "unit__province", "unit": ["unit"]}

    class Meta:
        ordering = ["unit__code", "field__sort_order", "category", "-effective_from"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "field", "category", "effective_from"],
                name="quota_unique_unit_field_category_date",
                violation_error_message=_("A quota for this unit, field and category already starts on that date."),
            ),
            models.CheckConstraint(
                condition=Q(count__gte=0),
                name="quota_count_not_negative",
                violation_error_message=_("The number of posts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(effective_from__gte=models.F("decision_date")),
                name="quota_effective_after_decision",
                violation_error_message=_("A quota cannot take effect before the decision that sets it."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.field} · {self.get_category_display()}: {self.count}"


class ProvinceQuotaQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The pool decision in force on ``day`` for each (province, category)."""
        superseded = ProvinceQuota.objects.filter(
            province=models.OuterRef("province"),
            category=models.OuterRef("category"),
            effective_from__gt=models.OuterRef("effective_from"),
            effective_from__lte=day,
        )
        return self.filter(effective_from__lte=day).exclude(models.Exists(superseded))


class ProvinceQuota(models.Model):
    """The province's own allocation from the central level in one category (biên chế tỉnh được
    Trung ương giao): the pool its units' quotas are allocated from and may not add up past.

    Like a unit's quota it is a decision: it holds from ``effective_from`` until a later one.
    """

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="quota_pools"
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    count = models.PositiveIntegerField(
        _("posts allocated to the province"), validators=[MaxValueValidator(10_000_000)]
    )
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    effective_from = models.DateField(_("effective from"))
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = ProvinceQuotaQuerySet.as_manager()

    scope_paths = {"province": "province", "unit": None}

    class Meta:
        ordering = ["province__code", "category", "-effective_from"]
        verbose_name = _("province quota pool")
        verbose_name_plural = _("province quota pools")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "category", "effective_from"],
                name="province_quota_unique_date",
                violation_error_message=_("A pool decision for this category already starts on that date."),
            ),
            models.CheckConstraint(
                condition=Q(effective_from__gte=models.F("decision_date")),
                name="province_quota_effective_after_decision",
                violation_error_message=_("A quota cannot take effect before the decision that sets it."),
            ),
        ]

    def __str__(self):
        return f"{self.province} · {self.get_category_display()}: {self.count}"

    @property
    def category_label(self):
        return self.get_category_display()


class QuotaRequestStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("quota request", "Open")
    ACCEPTED = "accepted", pgettext_lazy("quota request", "Accepted")
    REJECTED = "rejected", pgettext_lazy("quota request", "Rejected")


class QuotaRequest(models.Model):
    """A unit asks the province for posts (đề nghị giao biên chế) in one field and category.

    Units do not decide their quotas: the province accepts a request, which records the quota
    decision through the quota service, or rejects it with a reason.
    """

    unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="quota_requests"
    )
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    count = models.PositiveIntegerField(_("posts requested"), validators=[MaxValueValidator(QUOTA_MAX)])
    justification = models.TextField(_("justification"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=16, choices=QuotaRequestStatus.choices, default=QuotaRequestStatus.OPEN
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reply = models.TextField(_("reply"), max_length=2000, blank=True)
    quota = models.ForeignKey(
        Quota,
        verbose_name=_("quota decision"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    history = HistoricalRecords()

    scope_paths = {"province": "unit__province", "unit": ["unit"]}

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("quota request")
        verbose_name_plural = _("quota requests")
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(quota__isnull=False),
                name="quota_request_accepted_has_quota",
                violation_error_message=_("An accepted request names the quota decision it led to."),
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.field} · {self.get_category_display()}: {self.count}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("quota-request-detail", args=[self.pk])

    @property
    def category_label(self):
        return self.get_category_display()

    @property
    def status_label(self):
        return self.get_status_display()

    @property
    def requested_on(self):
        """The day the request was made, in the local time zone."""
        return timezone.localdate(self.requested_at)


# Personal fields of a person: shown only to users granted them (policy "staff.view_personal").
PERSONAL_FIELDS = ("gender", "birth_date", "qualification")


class Gender(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Qualification(models.TextChoices):
    UPPER_SECONDARY = "upper_secondary", _("Upper secondary")
    VOCATIONAL = "vocational", _("Vocational / college")
    BACHELOR = "bachelor", _("Bachelor")
    MASTER = "master", _("Master")
    DOCTOR = "doctor", _("Doctorate")


class StaffStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("staff status", "Active")
    RETIRED = "retired", _("Retired")
    RESIGNED = "resigned", _("Resigned")
    DISMISSED = "dismissed", _("Dismissed")
    DECEASED = "deceased", _("Deceased")


# Staff columns holding today's placement: (column, the assignment's column).
TODAY_COLUMNS = (
    ("today_unit", "unit"),
    ("today_field", "field"),
    ("today_position", "position"),
    ("today_category", "category"),
    ("today_is_leader", "is_leader"),
    ("today_from", "valid_from"),
)
TODAY_FIELDS = [name for name, _column in TODAY_COLUMNS]


class StaffQuerySet(models.QuerySet):
    def with_placement(self, day, *, stored=False):
        """People annotated with their placement in force on ``day`` (None when not on the roll):
        ``placed_unit``, ``placed_field``, ``placed_position``, ``placed_category``,
        ``placed_is_leader``, ``placed_from`` — one join, through ``placed``.

        ``stored``: read today's placement from the person's own columns instead (no join; the
        caller checks that they hold ``day``, see headcount.summary). Reach what the placement
        points at with ``placed(path, stored=...)``."""
        if stored:
            return self.annotate(
                **{f"placed_{column.removeprefix('valid_')}": models.F(name) for name, column in TODAY_COLUMNS}
            )
        condition = Assignment.objects.in_force_q(day, prefix="assignments__")
        return self.alias(placed=models.FilteredRelation("assignments", condition=condition)).annotate(
            placed_unit=models.F("placed__unit_id"),
            placed_field=models.F("placed__field_id"),
            placed_position=models.F("placed__position_id"),
            placed_category=models.F("placed__category"),
            placed_is_leader=models.F("placed__is_leader"),
            placed_from=models.F("placed__valid_from"),
        )


def placed(path, *, stored=False):
    """``F()`` of the placement's ``path`` ("unit__code", "category") in a ``with_placement``
    queryset: through the joined assignment, or the stored columns of today."""
    return models.F(placed_path(path, stored=stored))


def placed_path(path, *, stored=False):
    return f"today_{path}" if stored else f"placed__{path}"


def reads_stored(queryset):
    """Whether a ``with_placement`` queryset reads the stored placement (no ``placed`` relation)."""
    return "placed" not in queryset.query._filtered_relations


class Staff(models.Model):
    """A cadre, civil servant, public employee or contract worker: who the person is.

    Identity (name, birth date, gender), education (qualification, trained major field) and the
    period on the roll (joined, left). Where the person is placed — unit, field, position,
    category, leader flag — is dated and lives in ``Assignment``; a person whose trained major
    differs from their position's field is an expertise mismatch. Staff are never deleted:
    leaving sets a status and an end date (the last day on the roll) and closes the placement.
    """

    staff_code = models.CharField(_("staff code"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    major_field = models.ForeignKey(
        Field,
        verbose_name=_("trained field"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trained_staff",
        help_text=_("Field of the person's trained major."),
    )
    qualification = models.CharField(_("qualification"), max_length=16, choices=Qualification.choices)
    status = models.CharField(_("status"), max_length=16, choices=StaffStatus.choices, default=StaffStatus.ACTIVE)
    start_date = models.DateField(_("joined on"), null=True, blank=True)
    end_date = models.DateField(_("left on"), null=True, blank=True, help_text=_("Last day on the roll."))
    search_text = models.CharField(max_length=200, editable=False, default="")
    sort_key = models.CharField(
        max_length=400,
        editable=False,
        blank=True,
        default="",
        help_text=_(
            "The name's key in the order of Vietnamese staff lists: given name, then family and middle "
            "names (core.text.vietnamese_name_sort_key)."
        ),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    # Today's placement, stored beside the person for the staff list (see ``with_placement``):
    # written only by headcount.summary, with today's summary, and valid only while it holds today.
    today_unit = models.ForeignKey(
        "communes.Unit", on_delete=models.SET_NULL, null=True, editable=False, related_name="+", db_index=False
    )  # indexed with the id below
    today_field = models.ForeignKey(Field, on_delete=models.SET_NULL, null=True, editable=False, related_name="+")
    today_position = models.ForeignKey(Position, on_delete=models.SET_NULL, null=True, editable=False, related_name="+")
    today_category = models.CharField(max_length=16, null=True, editable=False)  # noqa: DJ001 — None: not placed
    today_is_leader = models.BooleanField(null=True, editable=False)
    today_from = models.DateField(null=True, editable=False)
    history = HistoricalRecords(excluded_fields=TODAY_FIELDS)

    objects = StaffQuerySet.as_manager()

    # A person belongs to every unit that has placed them (past, present or coming).
    scope_paths = {"province": "assignments__unit__province", "unit": ["assignments__unit"]}
    scope_through_many = True

    class Meta:
        ordering = ["sort_key", "staff_code"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        indexes = [
            models.Index(fields=["search_text"], name="staff_search_idx"),
            models.Index(fields=["sort_key", "staff_code"], name="staff_sort_idx"),
            # A unit's people today, in the staff list's keyset order.
            models.Index(fields=["today_unit", "id"], name="staff_today_unit_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="active") | Q(end_date__isnull=False),
                name="staff_inactive_has_end_date",
                violation_error_message=_("A person who has left needs the date they left."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="staff_end_after_start",
                violation_error_message=_("The leaving date cannot be before the joining date."),
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.staff_code})"

    def clean(self):
        super().clean()
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("The date of birth cannot be in the future.")})

    def fill_derived(self):
        """Set the columns computed from the name and code: every write path calls this (``save``,
        and the bulk writes of imports and the demo builder, which skip ``save``)."""
        self.search_text = normalize_search(f"{self.full_name} {self.staff_code}")
        self.sort_key = vietnamese_name_sort_key(self.full_name)
        return self

    DERIVED_FIELDS = ("search_text", "sort_key")

    def save(self, *args, **kwargs):
        self.fill_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"full_name", "staff_code"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        if update_fields is None and not self._state.adding and not kwargs.get("force_insert"):
            # Today's placement is written by the summary alone: an instance read before a
            # placement change must not write the old one back.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name not in TODAY_FIELDS
            ]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("staff-detail", args=[self.pk])

    def placement_on(self, day):
        """The assignment in force on ``day`` (None when the person is not on the roll then)."""
        return self.assignments.in_force_on(day).select_related("unit", "field", "position").first()

    def current_placement(self, day=None):
        """The assignment in force on ``day`` (today), else the latest one: where the record is kept."""
        day = day or timezone.localdate()
        return self.placement_on(day) or (
            self.assignments.select_related("unit", "field", "position").order_by("-valid_from").first()
        )


class DatedQuerySet(models.QuerySet):
    """Rows valid over a period ``[start_field, end_field]``, both ends inclusive, open end allowed."""

    start_field = "valid_from"
    end_field = "valid_to"

    def in_force_q(self, day, prefix=""):
        """Q for rows in force on ``day``; ``prefix`` reaches them through a relation."""
        start, end = f"{prefix}{self.start_field}", f"{prefix}{self.end_field}"
        return Q(**{f"{start}__lte": day}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": day}))

    def overlap_q(self, start, end, prefix=""):
        """Q for rows meeting the period [start, end] (``end`` None: open)."""
        first, last = f"{prefix}{self.start_field}", f"{prefix}{self.end_field}"
        q = Q(**{f"{last}__isnull": True}) | Q(**{f"{last}__gte": start})
        return q if end is None else q & Q(**{f"{first}__lte": end})

    def in_force_on(self, day):
        return self.filter(self.in_force_q(day))

    def overlapping(self, start, end):
        return self.filter(self.overlap_q(start, end))


class PlacementChange(models.TextChoices):
    HIRE = "hire", _("Joined the roll")
    CHANGE = "change", _("Change of placement")
    TRANSFER = "transfer", pgettext_lazy("placement change", "Transfer")
    CORRECTION = "correction", _("Correction")


class AssignmentQuerySet(DatedQuerySet):
    pass


class Assignment(models.Model):
    """Where a person is placed over a period (bố trí, phân công theo quyết định).

    The home unit whose roll and quota the person counts against, the field and position of the
    post, the category and whether it is a leadership post, from ``valid_from`` to ``valid_to``
    (the last day; empty while it lasts). A change of placement closes the current assignment the
    day before it takes effect and opens the next, so earlier periods are never rewritten; a
    back-dated change is a correction, made by a province official with a stated reason.
    """

    person = models.ForeignKey(Staff, verbose_name=_("person"), on_delete=models.PROTECT, related_name="assignments")
    unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("home unit"), on_delete=models.PROTECT, related_name="assignments"
    )
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="assignments",
        help_text=_("Field of the position held."),
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    is_leader = models.BooleanField(_("leader"), default=False)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True, help_text=_("Last day; empty while it lasts."))
    change = models.CharField(
        _("recorded as"), max_length=16, choices=PlacementChange.choices, default=PlacementChange.CHANGE
    )
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True, help_text=_("Required for a correction."))
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    scope_paths = {"province": "unit__province", "unit": ["unit"]}

    class Meta:
        ordering = ["person", "valid_from"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        indexes = [
            models.Index(fields=["unit", "field", "category", "valid_from"], name="assignment_unit_field_idx"),
            models.Index(fields=["person", "valid_from"], name="assignment_person_from_idx"),
            models.Index(fields=["unit", "person"], name="assignment_unit_person_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_ends_after_start",
                violation_error_message=_("An assignment cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=~Q(change="correction") | ~Q(reason=""),
                name="assignment_correction_has_reason",
                violation_error_message=_("A correction needs its reason."),
            ),
        ]
        # On PostgreSQL an exclusion constraint (migration 0003) forbids overlapping assignments of
        # one person; clean() checks the same rule on every database.

    def __str__(self):
        return f"{self.person.full_name}: {self.unit} · {self.field} ({self.valid_from:%d/%m/%Y}–)"

    @property
    def is_correction(self):
        return self.change == PlacementChange.CORRECTION

    def is_mismatch(self, major_field_id):
        return major_field_id is not None and major_field_id != self.field_id

    def clean(self):
        super().clean()
        errors = {}
        if self.position_id and self.field_id and self.position.field_id != self.field_id:
            errors["field"] = _("The field must be the field of the position (%(field)s).") % {
                "field": self.position.field
            }
        if self.person_id and self.valid_from:
            clash = (
                Assignment.objects.filter(person_id=self.person_id)
                .overlapping(self.valid_from, self.valid_to)
                .exclude(pk=self.pk)
                .first()
            )
            if clash is not None:
                errors["valid_from"] = _(
                    "%(person)s is already placed at %(unit)s from %(start)s; one person holds one placement at a time."
                ) % {
                    "person": self.person.full_name,
                    "unit": clash.unit,
                    "start": clash.valid_from.strftime("%d/%m/%Y"),
                }
        if errors:
            raise ValidationError(errors)


class AbsenceKind(models.TextChoices):
    MATERNITY = "maternity", _("Maternity leave")
    SICK_LEAVE = "sick_leave", _("Long sick leave")
    STUDY = "study", _("Study or training")
    SUSPENSION = "suspension", _("Suspension")
    MILITARY = "military", _("Military service")
    UNPAID = "unpaid", _("Unpaid leave")
    OTHER = "other", _("Other")


class AbsenceQuerySet(DatedQuerySet):
    start_field = "start_date"
    end_field = "end_date"


class Absence(models.Model):
    """A dated absence (nghỉ thai sản, đi học, ốm dài ngày, tạm đình chỉ, nghĩa vụ quân sự …).

    The person keeps the post — the establishment view still counts them — but does not do the
    work, so the coverage view does not, at the unit where they work on that day.
    """

    person = models.ForeignKey(Staff, verbose_name=_("person"), on_delete=models.PROTECT, related_name="absences")
    kind = models.CharField(_("kind"), max_length=16, choices=AbsenceKind.choices)
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"), null=True, blank=True, help_text=_("Empty while it is not known."))
    decision_number = models.CharField(_("decision number"), max_length=64, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = AbsenceQuerySet.as_manager()

    scope_paths = {"province": "person__assignments__unit__province", "unit": ["person__assignments__unit"]}
    scope_through_many = True

    class Meta:
        ordering = ["person", "-start_date"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [models.Index(fields=["person", "start_date"], name="absence_person_start_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="absence_ends_after_start",
                violation_error_message=_("An absence cannot end before it starts."),
            ),
        ]
        # On PostgreSQL an exclusion constraint (migration 0003) forbids overlapping absences of one
        # person; clean() checks the same rule on every database.

    def __str__(self):
        return f"{self.person.full_name}: {self.get_kind_display()} ({self.start_date:%d/%m/%Y})"

    def clean(self):
        super().clean()
        if not (self.person_id and self.start_date):
            return
        clash = (
            Absence.objects.filter(person_id=self.person_id)
            .overlapping(self.start_date, self.end_date)
            .exclude(pk=self.pk)
            .first()
        )
        if clash is not None:
            raise ValidationError(
                {
                    "start_date": _("%(person)s is already absent (%(kind)s) from %(start)s.")
                    % {
                        "person": self.person.full_name,
                        "kind": clash.get_kind_display().lower(),
                        "start": clash.start_date.strftime("%d/%m/%Y"),
                    }
                }
            )
        person = self.person
        if (person.start_date and self.start_date < person.start_date) or (
            person.end_date and self.start_date > person.end_date
        ):
            raise ValidationError({"start_date": _("The absence must start while the person is on the roll.")})


def placement_on(day, path="person__assignments"):
    """The person's assignment in force on ``day``, reached through ``path`` (a filtered join:
    at most one row, since one person holds one placement at a time)."""
    return models.FilteredRelation(path, condition=Assignment.objects.in_force_q(day, prefix=f"{path}__"))


class AliasKind(models.TextChoices):
    FIELD = "field", _("Field")
    POSITION = "position", _("Position")
    QUALIFICATION = "qualification", _("Qualification")
    CATEGORY = "category", _("Category")


class ValueAlias(models.Model):
    """A value as units write it in their workbooks, and what it means (bảng quy đổi giá trị).

    "Tư pháp - Hộ tịch" is the field justice, "Cao đẳng" the qualification college. The default
    list (no province) comes from ``staffing/reference/aliases.csv`` through ``load_reference``;
    a province adds its own, and a unit may add one for its own uploads. The importer applies an
    alias only when the whole value matches: it never guesses by cutting text.
    """

    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="value_aliases",
        help_text=_("Empty: the default list, used in every province."),
    )
    unit = models.ForeignKey(
        "communes.Unit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="value_aliases",
        help_text=_("Set when a unit added the alias for its own uploads."),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AliasKind.choices)
    value = models.CharField(_("value as written"), max_length=200)
    key = models.CharField(_("matching key"), max_length=200, editable=False)
    target = models.CharField(
        _("means"), max_length=64, help_text=_("The code of the field or position, or the qualification or category.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)

    scope_paths = {"province": "province", "unit": ["unit"]}

    class Meta:
        ordering = ["kind", "key", "pk"]
        verbose_name = _("value alias")
        verbose_name_plural = _("value aliases")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=Q(province__isnull=True, unit__isnull=True),
                name="alias_default_unique",
                violation_error_message=_("This value already has a meaning in the default list."),
            ),
            models.UniqueConstraint(
                fields=["province", "kind", "key"],
                condition=Q(unit__isnull=True),
                name="alias_province_unique",
                violation_error_message=_("This value already has a meaning in the province."),
            ),
            models.UniqueConstraint(
                fields=["unit", "kind", "key"],
                name="alias_unit_unique",
                violation_error_message=_("This value already has a meaning for the unit."),
            ),
        ]

    def __str__(self):
        return f"{self.value} → {self.target}"

    def save(self, *args, **kwargs):
        self.key = normalize_search(self.value)
        super().save(*args, **kwargs)


class ImportStatus(models.TextChoices):
    READING = "reading", _("Reading the file")
    MAPPING = "mapping", _("Columns to confirm")
    CHECKING = "checking", _("Checking the rows")
    CHECKED = "checked", _("Checked")
    APPLYING = "applying", _("Applying")
    APPLIED = "applied", _("Applied")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An uploaded workbook on its way in: read once, its columns confirmed, checked, then applied.

    The file is parsed once; its cells are kept (``parsed``) and the checked plan too (``plan``), so
    the mapping, preview and apply steps never read the workbook again. Big files are read,
    checked and applied by the background worker, which writes the progress here.
    """

    token = models.CharField(max_length=32, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(
        "communes.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="import_jobs"
    )
    filename = models.CharField(_("file name"), max_length=200)
    upload = models.FileField(_("uploaded file"), upload_to="imports/", blank=True)
    parsed = models.FileField(_("parsed cells"), upload_to="imports/", blank=True)
    plan = models.FileField(_("checked plan"), upload_to="imports/", blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.READING)
    progress = models.PositiveIntegerField(_("rows done"), default=0)
    total = models.PositiveIntegerField(_("rows"), default=0)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True, help_text=_("Written by the worker while it runs the job.")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    scope_paths = {"province": "province", "unit": ["unit"]}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="import_status_heartbeat_idx")]

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def percent(self):
        if self.status in (ImportStatus.CHECKED, ImportStatus.APPLIED):
            return 100
        return min(99, int(100 * self.progress / self.total)) if self.total else 0

    @property
    def running(self):
        return self.status in RUNNING_IMPORT

    @property
    def can_restart(self):
        """A failed job can start again from what it kept: its cells (checked again) or its file."""
        return self.status == ImportStatus.FAILED and bool(self.parsed or self.upload)


RUNNING_IMPORT = (ImportStatus.READING, ImportStatus.CHECKING, ImportStatus.APPLYING)


class ImportMapping(models.Model):
    """The column meanings a unit (or a province, for its own uploads) confirmed, used again next time.

    Keyed by the header text as written, so the mapping still applies when columns move.
    """

    unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    province = models.ForeignKey(
        "communes.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="+"
    )
    columns = models.JSONField(_("columns"), default=dict, help_text=_("Header text → meaning."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_paths = {"province": "province", "unit": ["unit"]}

    class Meta:
        ordering = ["pk"]
        verbose_name = _("remembered column mapping")
        verbose_name_plural = _("remembered column mappings")
        constraints = [
            models.UniqueConstraint(fields=["unit"], name="import_mapping_unit_unique"),
            models.UniqueConstraint(
                fields=["province"], condition=Q(unit__isnull=True), name="import_mapping_province_unique"
            ),
        ]

    def __str__(self):
        return str(self.unit or self.province)
