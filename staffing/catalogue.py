"""The national reference data: professional fields and the catalogue of job positions.

Two ways in, one set of rules: ``load_reference`` reads the versioned files in
``staffing/reference/``, and a province official uploads its approved catalogue from Excel. Both
turn rows into a ``CataloguePlan`` (what to add, what to update, what is unchanged, and every
row-level error), and ``catalogue_apply`` writes a plan in one transaction. Nothing is written
unless every row is valid; the same rows loaded twice change nothing; nothing is ever deleted
except by ``reference_load(prune=True)``, which keeps every field and position a record uses.

Positions are national reference data shared by all provinces: a province's catalogue upload
adds and updates positions that every province sees.
"""

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.forms import Field as FormField
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from accounts.models import Role
from core.excel import Column, Exporter
from core.text import normalize_search
from staffing.importer import ImportRefused, check_file, limits, row_message
from staffing.models import Field, Position, PositionGroup

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
HEADER_SCAN_ROWS = 30
BATCH = 500
REQUIRED = FormField.default_error_messages["required"]  # Django's own wording and translation
# openpyxl refuses these in a cell when the catalogue is exported again: refuse them on the way in.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class CatalogueColumn:
    key: str
    label: str  # lazy: the header written in the active language
    required: bool = False
    max_length: int | None = None
    aliases: tuple = ()
    width: float = 16


POSITION_COLUMNS = [
    CatalogueColumn(
        "code", gettext_lazy("Position code"), True, 32, ("Mã", "Mã VTVL", "Mã vị trí việc làm", "Code"), 14
    ),
    CatalogueColumn(
        "name",
        gettext_lazy("Position name"),
        True,
        200,
        ("Tên", "Tên vị trí", "Vị trí việc làm", "Name", "Position"),
        40,
    ),
    CatalogueColumn("group", gettext_lazy("Group"), True, None, ("Nhóm vị trí", "Nhóm VTVL", "Position group"), 24),
    CatalogueColumn(
        "level", gettext_lazy("Rank or title"), False, 64, ("Ngạch", "Ngạch/chức danh", "Cấp độ", "Level", "Rank"), 20
    ),
    CatalogueColumn("field", gettext_lazy("Field"), True, None, ("Lĩnh vực", "Mã lĩnh vực", "Field code"), 18),
    CatalogueColumn(
        "description", gettext_lazy("Job description"), False, None, ("Mô tả", "Mô tả công việc", "Description"), 60
    ),
    CatalogueColumn(
        "competency",
        gettext_lazy("Competency framework"),
        False,
        None,
        ("Khung năng lực", "Yêu cầu năng lực", "Năng lực", "Competency", "Competency requirements"),
        60,
    ),
]
POSITION_KEYS = [c.key for c in POSITION_COLUMNS]
FIELD_KEYS = ["code", "name_vi", "name_en", "is_specialised", "sort_order"]
IGNORED_HEADERS = {"stt", "tt", "so tt", "no", "ghi chu", "note", "notes"}


def may_import_catalogue(user) -> bool:
    """Positions are shared by every province: only province officials and administrators load them."""
    return user.is_authenticated and user.is_active and (user.is_superuser or user.role == Role.PROVINCE_OFFICIAL)


def header_key(text) -> str:
    return normalize_search(re.sub(r"[*:]", " ", str(text)))


def _column_names():
    """Normalised header text -> column, in both languages and with the usual variants."""
    names = {}
    for col in POSITION_COLUMNS:
        for lang, _name in settings.LANGUAGES:
            with translation.override(lang):
                names.setdefault(header_key(col.label), col)
        for alias in (col.key, *col.aliases):
            names.setdefault(header_key(alias), col)
    return names


# The plan.


@dataclass
class CataloguePlan:
    """What loading a set of rows would change. ``errors`` holds one message per bad cell."""

    errors: list = field(default_factory=list)
    fields_new: list = field(default_factory=list)
    fields_changed: list = field(default_factory=list)  # (Field, [attribute names])
    positions_new: list = field(default_factory=list)
    positions_changed: list = field(default_factory=list)  # (Position, [attribute names])
    fields_unchanged: int = 0
    positions_unchanged: int = 0
    rows: int = 0

    @property
    def ok(self):
        return not self.errors

    @property
    def is_empty(self):
        return not (self.fields_new or self.fields_changed or self.positions_new or self.positions_changed)

    def counts(self):
        return {
            "rows": self.rows,
            "fields_added": len(self.fields_new),
            "fields_updated": len(self.fields_changed),
            "fields_unchanged": self.fields_unchanged,
            "positions_added": len(self.positions_new),
            "positions_updated": len(self.positions_changed),
            "positions_unchanged": self.positions_unchanged,
        }


def _text(value, *, multiline=False):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    if multiline:
        return "\n".join(" ".join(line.split()) for line in text.strip().split("\n")).strip()
    return " ".join(text.split())


class Lookups:
    """Field and group names as a file may write them: code, or name in either language."""

    def __init__(self):
        self.fields = {}
        for f in Field.objects.all():
            for key in (f.code, f.name_vi, f.name_en):
                self.fields.setdefault(normalize_search(key), f)
        self.groups = {}
        for value, label in PositionGroup.choices:
            self.groups[normalize_search(value)] = value
            for lang, _name in settings.LANGUAGES:
                with translation.override(lang):
                    self.groups.setdefault(normalize_search(str(label)), value)

    def field_codes(self):
        return ", ".join(sorted({f.code for f in self.fields.values()}))

    def group_names(self):
        return ", ".join(f"{value} ({label})" for value, label in PositionGroup.choices)


def _clean_position(values, lookups):
    """(cleaned values, [(column key, message)]) for one catalogue row."""
    cleaned, errors = {}, []
    for col in POSITION_COLUMNS:
        if col.key not in values:
            continue
        text = _text(values[col.key], multiline=col.key in ("description", "competency"))
        if CONTROL_CHARACTERS.search(text):
            errors.append((col.key, _("The text holds a control character; retype it in Excel.")))
            continue
        if col.required and not text:
            errors.append((col.key, REQUIRED))
            continue
        if col.max_length and len(text) > col.max_length:
            errors.append(
                (
                    col.key,
                    _("At most %(max)s characters (it has %(n)s).") % {"max": col.max_length, "n": len(text)},
                )
            )
            continue
        cleaned[col.key] = text
    if "group" in cleaned:
        group = lookups.groups.get(normalize_search(cleaned["group"]))
        if group is None:
            errors.append(
                (
                    "group",
                    _("Unknown group «%(value)s». Accepted: %(accepted)s.")
                    % {"value": cleaned["group"], "accepted": lookups.group_names()},
                )
            )
        cleaned["group"] = group
    if "field" in cleaned:
        found = lookups.fields.get(normalize_search(cleaned["field"]))
        if found is None:
            errors.append(
                (
                    "field",
                    _("Unknown field «%(value)s». Accepted field codes: %(accepted)s.")
                    % {"value": cleaned["field"], "accepted": lookups.field_codes()},
                )
            )
        cleaned["field"] = found
    return cleaned, errors


def plan_positions(rows, *, headers, plan=None, where="") -> CataloguePlan:
    """Validate catalogue ``rows`` — (row number, {column key: value}) — and plan their writes.

    ``headers`` maps each column key present to the header as written, for the messages; columns
    absent from the file are left as they are on existing positions.
    """
    plan = plan or CataloguePlan()
    lookups = Lookups()
    present = [k for k in POSITION_KEYS if k in headers and k != "code"]
    existing = {p.code: p for p in Position.objects.select_related("field")}
    seen = {}
    for n, values in rows:
        plan.rows += 1
        cleaned, errors = _clean_position(values, lookups)
        code = cleaned.get("code")
        if code and code in seen:
            errors.append(
                (
                    "code",
                    _("The code «%(code)s» appears more than once (also row %(other)s).")
                    % {"code": code, "other": seen[code]},
                )
            )
        if errors:
            for key, message in errors:
                plan.errors.append(where + row_message(n, headers.get(key), message))
            continue
        seen[code] = n
        current = existing.get(code)
        if current is None:
            plan.positions_new.append(
                Position(
                    code=code,
                    name=cleaned["name"],
                    group=cleaned["group"],
                    field=cleaned["field"],
                    level=cleaned.get("level", ""),
                    description=cleaned.get("description", ""),
                    competency=cleaned.get("competency", ""),
                )
            )
            continue
        changed = []
        for key in present:
            old = current.field_id if key == "field" else getattr(current, key)
            new = cleaned[key].pk if key == "field" else cleaned[key]
            if old != new:
                setattr(current, key, cleaned[key])
                changed.append(key)
        if changed:
            plan.positions_changed.append((current, changed))
        else:
            plan.positions_unchanged += 1
    if plan.errors:
        plan.positions_new, plan.positions_changed = [], []
    return plan


def plan_fields(rows, *, plan=None, where="") -> CataloguePlan:
    """Validate field rows (from ``fields.csv``) and plan their writes."""
    plan = plan or CataloguePlan()
    existing = {f.code: f for f in Field.objects.all()}
    seen = {}
    for n, values in rows:
        errors = []
        cleaned = {key: _text(values.get(key)) for key in FIELD_KEYS}
        for key in ("code", "name_vi", "name_en"):
            if not cleaned[key]:
                errors.append((key, REQUIRED))
        flag = cleaned["is_specialised"].lower()
        if flag not in ("yes", "no"):
            errors.append(
                (
                    "is_specialised",
                    _("Unknown value «%(value)s». Accepted: yes, no.") % {"value": cleaned["is_specialised"]},
                )
            )
        cleaned["is_specialised"] = flag == "yes"
        try:
            cleaned["sort_order"] = int(cleaned["sort_order"] or 0)
            if not 0 <= cleaned["sort_order"] <= 32767:
                raise ValueError
        except ValueError:
            errors.append(("sort_order", _("Enter a whole number from 0 to 32767.")))
        code = cleaned["code"]
        if code in seen:
            errors.append(
                (
                    "code",
                    _("The code «%(code)s» appears more than once (also row %(other)s).")
                    % {"code": code, "other": seen[code]},
                )
            )
        if errors:
            for key, message in errors:
                plan.errors.append(where + row_message(n, key, message))
            continue
        seen[code] = n
        current = existing.get(code)
        if current is None:
            plan.fields_new.append(Field(**cleaned))
            continue
        changed = [k for k in FIELD_KEYS[1:] if getattr(current, k) != cleaned[k]]
        for k in changed:
            setattr(current, k, cleaned[k])
        if changed:
            plan.fields_changed.append((current, changed))
        else:
            plan.fields_unchanged += 1
    if plan.errors:
        plan.fields_new, plan.fields_changed = [], []
    return plan


@transaction.atomic
def catalogue_apply(*, plan: CataloguePlan) -> dict:
    """Write a valid plan in one transaction; return what was added and updated."""
    if plan.errors:
        raise ValueError("a plan with errors cannot be applied")
    Field.objects.bulk_create(plan.fields_new, batch_size=BATCH)
    for names, objs in _by_changed(plan.fields_changed).items():
        Field.objects.bulk_update(objs, names, batch_size=BATCH)
    Position.objects.bulk_create(plan.positions_new, batch_size=BATCH)
    for names, objs in _by_changed(plan.positions_changed).items():
        Position.objects.bulk_update(objs, names, batch_size=BATCH)
    return {
        "fields_added": len(plan.fields_new),
        "fields_updated": len(plan.fields_changed),
        "positions_added": len(plan.positions_new),
        "positions_updated": len(plan.positions_changed),
    }


def _by_changed(changed):
    """Objects grouped by the attributes that changed: one UPDATE statement shape per group."""
    groups = {}
    for obj, names in changed:
        groups.setdefault(tuple(names), []).append(obj)
    return groups


# The reference files.


@dataclass
class ReferenceFile:
    name: str
    version: str
    rows: list  # (line number, {column: value})


def read_reference_csv(path: Path, columns) -> ReferenceFile:
    """Rows of a reference CSV; ``#`` lines are comments, ``# version: …`` gives its version."""
    version = ""
    rows = []
    with open(path, encoding="utf-8", newline="") as fh:
        lines = list(enumerate(fh, start=1))
    data = []
    for number, line in lines:
        if line.startswith("#"):
            key, _sep, value = line[1:].partition(":")
            if key.strip().lower() == "version":
                version = value.strip()
            continue
        data.append((number, line))
    reader = csv.reader([line for _n, line in data])
    header = None
    for (number, _line), cells in zip(data, reader, strict=True):
        if header is None:
            header = [c.strip() for c in cells]
            missing = [c for c in columns if c not in header]
            if missing:
                raise ValueError(
                    _("%(file)s: the columns %(columns)s are missing.")
                    % {"file": path.name, "columns": ", ".join(missing)}
                )
            continue
        if not any(c.strip() for c in cells):
            continue
        rows.append((number, dict(zip(header, cells, strict=False))))
    return ReferenceFile(path.name, version, rows)


@dataclass
class ReferenceResult:
    versions: dict
    counts: dict
    kept: dict = field(default_factory=dict)  # "fields"/"positions" -> codes absent from the files
    removed: dict = field(default_factory=dict)
    in_use: dict = field(default_factory=dict)

    @property
    def changed(self):
        return any(
            self.counts[k] for k in ("fields_added", "fields_updated", "positions_added", "positions_updated")
        ) or any(self.removed.values())


class ReferenceError(Exception):
    def __init__(self, messages):
        super().__init__("\n".join(str(m) for m in messages))
        self.messages = messages


def used_pks(model, pks) -> set:
    """The primary keys among ``pks`` that any row points to (history rows included)."""
    used = set()
    pks = list(pks)
    if not pks:
        return used
    for rel in model._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        related = rel.related_model
        name = rel.field.name
        used.update(
            related._base_manager.filter(**{f"{name}__in": pks}).values_list(name, flat=True).distinct().order_by()
        )
    return used


@transaction.atomic
def reference_load(*, directory: Path = REFERENCE_DIR, prune=False, dry_run=False) -> ReferenceResult:
    """Load ``fields.csv`` and ``positions.csv``: add new codes, update changed rows, delete nothing.

    With ``prune``, fields and positions absent from the files are deleted unless a record uses
    them. With ``dry_run`` the same work is done and rolled back. Raises ``ReferenceError`` (and
    writes nothing) when a row is invalid.
    """
    try:
        fields_file = read_reference_csv(directory / "fields.csv", FIELD_KEYS)
        positions_file = read_reference_csv(directory / "positions.csv", POSITION_KEYS)
    except (OSError, ValueError, csv.Error) as exc:
        raise ReferenceError([str(exc)]) from exc
    plan = plan_fields(fields_file.rows, where=f"{fields_file.name}: ")
    if plan.errors:
        raise ReferenceError(plan.errors)
    catalogue_apply(plan=plan)
    headers = {k: k for k in POSITION_KEYS}
    plan = plan_positions(positions_file.rows, headers=headers, plan=plan, where=f"{positions_file.name}: ")
    if plan.errors:
        raise ReferenceError(plan.errors)  # leaving the transaction undoes the fields too
    catalogue_apply(plan=CataloguePlan(positions_new=plan.positions_new, positions_changed=plan.positions_changed))
    counts = plan.counts()
    counts["fields_rows"], counts["positions_rows"] = len(fields_file.rows), len(positions_file.rows)
    result = ReferenceResult(
        versions={"fields": fields_file.version, "positions": positions_file.version}, counts=counts
    )
    listed = {
        "positions": (Position, {v.get("code", "").strip() for _n, v in positions_file.rows}),
        "fields": (Field, {v.get("code", "").strip() for _n, v in fields_file.rows}),
    }
    for key, (model, codes) in listed.items():  # positions first: they hold on to fields
        extra = dict(model.objects.exclude(code__in=codes).values_list("pk", "code"))
        result.kept[key] = sorted(extra.values())
        if prune and extra:
            busy = used_pks(model, extra)
            result.in_use[key] = sorted(extra[pk] for pk in busy)
            result.removed[key] = sorted(code for pk, code in extra.items() if pk not in busy)
            model.objects.filter(pk__in=[pk for pk in extra if pk not in busy]).delete()
            result.kept[key] = result.in_use[key]
    if dry_run:
        transaction.set_rollback(True)
    return result


# Excel: the catalogue out and in.


class PositionCatalogueExporter(Exporter):
    title = gettext_lazy("Job position catalogue")
    sheet_title = gettext_lazy("Positions")
    filename = "vi-tri-viec-lam.xlsx"
    signed = False  # reference data read back by the import: nothing after the table

    def columns(self):
        return [Column(str(c.label), c.width) for c in POSITION_COLUMNS]

    def rows(self):
        for p in Position.objects.select_related("field").order_by("code"):
            yield [p.code, p.name, p.get_group_display(), p.level, p.field.code, p.description, p.competency]


@dataclass
class CatalogueSheet:
    name: str
    header_row: int
    headers: dict  # column key -> header as written
    rows: list  # (Excel row number, {column key: value})


def read_catalogue(fileobj) -> CatalogueSheet:
    """The catalogue rows of the first visible sheet whose headers name the catalogue's columns."""
    names = _column_names()
    lim = limits()
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        metadata = workbook.sheets_metadata
    except (CalamineError, ValueError, OSError) as exc:
        raise ImportRefused(_("The workbook is damaged and cannot be read.")) from exc
    for meta in metadata:
        if meta.visible != SheetVisibleEnum.Visible:
            continue
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
        except (CalamineError, ValueError) as exc:
            raise ImportRefused(_("The workbook is damaged and cannot be read.")) from exc
        pad = [""] * (sheet.start[1] if sheet.start else 0)  # rows start at the first used column
        rows = iter(sheet.iter_rows())
        for offset, cells in enumerate(rows):
            if offset >= HEADER_SCAN_ROWS:
                break
            cells = pad + list(cells)
            columns = {}
            for idx, raw in enumerate(cells):
                col = names.get(header_key(raw)) if isinstance(raw, str) and raw.strip() else None
                if col is not None and col.key not in {c.key for c in columns.values()}:
                    columns[idx] = col
            if "code" not in {c.key for c in columns.values()} or len(columns) < 2:
                continue
            header_row = offset + 1
            headers = {col.key: str(cells[idx]).strip() for idx, col in columns.items()}
            missing = [c for c in POSITION_COLUMNS if c.required and c.key not in headers]
            if missing:
                raise ImportRefused(
                    _("The columns %(columns)s are missing (row %(row)s holds the headers).")
                    % {"columns": ", ".join(f"«{c.label}»" for c in missing), "row": header_row}
                )
            if sheet.height - header_row > lim["rows"]:
                raise ImportRefused(
                    _("The sheet «%(sheet)s» has %(rows)s rows; at most %(max)s rows can be imported at once.")
                    % {"sheet": meta.name, "rows": sheet.height - header_row, "max": lim["rows"]}
                )
            data = []
            for n, cells in enumerate(rows, start=header_row + 1):
                cells = pad + list(cells)
                values = {col.key: (cells[idx] if idx < len(cells) else "") for idx, col in columns.items()}
                if any(v not in ("", None) for v in values.values()):
                    data.append((n, values))
            return CatalogueSheet(meta.name, header_row, headers, data)
    raise ImportRefused(
        _("No sheet with the position catalogue's column headers was found. Use the catalogue exported from this page.")
    )


def validate_catalogue(fileobj, *, user, size=None) -> tuple[CatalogueSheet, CataloguePlan]:
    """Check and read an uploaded catalogue workbook; return its sheet and what applying it changes."""
    if not may_import_catalogue(user):
        raise ImportRefused(_("Only province officials and administrators may load the position catalogue."))
    check_file(fileobj, size=size)
    sheet = read_catalogue(fileobj)
    return sheet, plan_positions(sheet.rows, headers=sheet.headers)
