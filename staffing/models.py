from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from communes.text import normalize_search


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


class Staff(models.Model):
    """A cadre, civil servant, public employee or contract worker on a unit's roll.

    ``home_unit`` is the unit whose payroll and quota the person counts against; ``field`` is the
    field of the position they hold; ``major_field`` is what they were trained in. A person whose
    major differs from the position's field is an expertise mismatch. Staff are never deleted:
    leaving sets a status and an end date (the last day on the roll).
    """

    staff_code = models.CharField(_("staff code"), max_length=32, unique=True)
    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    position = models.ForeignKey(
        Position, verbose_name=_("position"), on_delete=models.PROTECT, null=True, blank=True, related_name="staff"
    )
    field = models.ForeignKey(
        Field,
        verbose_name=_("field"),
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_("Field of the position held."),
    )
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
    home_unit = models.ForeignKey(
        "communes.Unit", verbose_name=_("home unit"), on_delete=models.PROTECT, related_name="staff"
    )
    status = models.CharField(_("status"), max_length=16, choices=StaffStatus.choices, default=StaffStatus.ACTIVE)
    start_date = models.DateField(_("joined on"), null=True, blank=True)
    end_date = models.DateField(_("left on"), null=True, blank=True, help_text=_("Last day on the roll."))
    is_leader = models.BooleanField(_("leader"), default=False)
    search_text = models.CharField(max_length=200, editable=False, default="")
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    scope_paths = {"province": "home_unit__province", "unit": ["home_unit"]}

    class Meta:
        ordering = ["home_unit__code", "full_name", "staff_code"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff")
        indexes = [
            models.Index(fields=["home_unit", "field", "category"], name="staff_unit_field_cat_idx"),
            models.Index(fields=["search_text"], name="staff_search_idx"),
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
        errors = {}
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("The date of birth cannot be in the future.")
        if self.position_id and self.field_id and self.position.field_id != self.field_id:
            errors["field"] = _("The field must be the field of the position (%(field)s).") % {
                "field": self.position.field
            }
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.search_text = normalize_search(f"{self.full_name} {self.staff_code}")
        super().save(*args, **kwargs)

    @property
    def is_mismatch(self):
        return self.major_field_id is not None and self.major_field_id != self.field_id
