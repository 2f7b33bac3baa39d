from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.excel import Issuer
from core.text import normalize_search, vietnamese_sort_key


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities after the July 2025 reform.

    The code is the two-digit code of the General Statistics Office (e.g. "66" Đắk Lắk); the
    province's Home Affairs department (Sở Nội vụ) manages staffing for all units in it.
    """

    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("GSO province code, e.g. 66."))
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)

    scope_paths = {"province": "pk", "unit": None}

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        for prefix in ("Thành phố ", "Tỉnh "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


class UnitKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    DEPARTMENT = "department", _("Department")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")


COMMUNE_LEVEL_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)
PROVINCIAL_KINDS = (UnitKind.DEPARTMENT, UnitKind.PUBLIC_SERVICE_UNIT)


class UnitQuerySet(models.QuerySet):
    def communes(self):
        return self.filter(kind__in=COMMUNE_LEVEL_KINDS)

    def provincial(self):
        return self.filter(kind__in=PROVINCIAL_KINDS)


class Unit(models.Model):
    """An organisation that holds staff and a quota.

    Commune-level units (xã, phường, đặc khu) carry their GSO five-digit code; provincial
    departments (sở, ban, ngành) and public service units (đơn vị sự nghiệp công lập) carry a
    code of the province's own. A public service unit may sit under a department (``parent``).
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Department a public service unit belongs to."),
    )
    is_disadvantaged = models.BooleanField(_("especially disadvantaged"), default=False)
    is_border = models.BooleanField(_("border"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=200, editable=False, db_index=True, default="")
    sort_key = models.CharField(
        max_length=600,
        editable=False,
        default="",
        help_text=_("The name's key in Vietnamese alphabetical order (core.text.vietnamese_sort_key)."),
    )

    objects = UnitQuerySet.as_manager()

    scope_paths = {"province": "province", "unit": ["self"]}

    class Meta:
        ordering = ["province__code", "kind", "sort_key", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["province", "kind"], name="unit_province_kind_idx"),
            models.Index(fields=["province", "kind", "sort_key"], name="unit_province_kind_sort_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A unit cannot be its own parent.")})
        if self.parent_id and self.parent.province_id != self.province_id:
            raise ValidationError({"parent": _("The parent unit is in another province.")})

    def save(self, *args, **kwargs):
        self.search_text = normalize_search(self.name)
        self.sort_key = vietnamese_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_key"}
        super().save(*args, **kwargs)

    @property
    def is_commune_level(self):
        return self.kind in COMMUNE_LEVEL_KINDS


class ReportLetterhead(models.Model):
    """How a province's Home Affairs department heads and signs the reports it sends upward.

    Decree 30/2020/NĐ-CP on administrative document formats: the issuing body and the unit top
    left, the document symbol on the number line ("Số: …/BC-SNV"), the place on the date line, and
    the signature block (the preparer, and the head of the department with his or her name). A
    province with no letterhead of its own gets ``ReportLetterhead.default_for(province)``.
    """

    province = models.OneToOneField(
        "communes.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="letterhead"
    )
    issuing_body = models.CharField(
        _("issuing body"), max_length=200, help_text=_("The governing body, e.g. ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK.")
    )
    unit_name = models.CharField(_("issuing unit"), max_length=200, help_text=_("The unit itself, e.g. SỞ NỘI VỤ."))
    symbol_suffix = models.CharField(
        _("symbol of the unit"),
        max_length=30,
        help_text=_("Written after the document kind on the number line: SNV gives “Số: …/BC-SNV”."),
    )
    place_name = models.CharField(
        _("place name"), max_length=100, help_text=_("Written on the date line, e.g. Đắk Lắk.")
    )
    preparer_title = models.CharField(_("preparer's title"), max_length=100, blank=True)
    preparer_name = models.CharField(_("preparer's name"), max_length=120, blank=True)
    signer_title = models.TextField(
        _("signer's title"),
        max_length=200,
        help_text=_("One line per line of the block: GIÁM ĐỐC, or KT. GIÁM ĐỐC then PHÓ GIÁM ĐỐC."),
    )
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_paths = {"province": "province", "unit": None}

    class Meta:
        db_table = "reports_reportletterhead"
        ordering = ["province__code"]
        verbose_name = _("report letterhead")
        verbose_name_plural = _("report letterheads")

    def __str__(self):
        return f"{self.province}: {self.unit_name}"

    @classmethod
    def default_for(cls, province):
        """The letterhead a province uses until it saves its own (not saved)."""
        return cls(
            province=province,
            issuing_body=f"ỦY BAN NHÂN DÂN {province.name.upper()}",
            unit_name="SỞ NỘI VỤ",
            symbol_suffix="SNV",
            place_name=province.short_name,
            preparer_title="NGƯỜI LẬP BIỂU",
            signer_title="GIÁM ĐỐC",
        )

    @classmethod
    def for_province(cls, province):
        """The province's saved letterhead, or its default (one query)."""
        found = cls.objects.filter(province=province).first()
        return found if found is not None else cls.default_for(province)

    def issuer(self) -> Issuer:
        """The heading and signature block of the province's Excel reports."""
        return Issuer(
            [self.issuing_body, self.unit_name],
            symbol=self.symbol_suffix,
            place=self.place_name,
            preparer_title=self.preparer_title,
            preparer_name=self.preparer_name,
            signer_title=self.signer_title,
            signer_name=self.signer_name,
        )


def province_issuer(province) -> Issuer:
    """The heading of a province's reports (its letterhead, or the default); the country's for None."""
    if province is None:
        return Issuer.national()
    return ReportLetterhead.for_province(province).issuer()
