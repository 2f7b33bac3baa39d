"""Reading a roster workbook in the layout a commune keeps, not only in the template's layout.

Commune offices keep their staff lists in their own Excel files: a title block ("UBND XÃ …",
"BIỂU TỔNG HỢP SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC"), headers over one or two rows with merged cells
("Ngày, tháng, năm sinh" above "Nam" | "Nữ"), a column-number row "(1) (2) …", section headings
("I. Cán bộ"), totals, and a signature block. This module finds the header rows, says what each
column means and how sure it is, and sorts every row below into a person (or a quota row) or a
skipped row with its reason.

It only reads: no database, no writes. Values come back as written — text with stray spaces
folded, numbers as text, dates as ``date`` — and are never mapped to a field, position or category
here: that is the job of the province's table of aliases, which never guesses by cutting text.

Entry points: ``read_workbook(fileobj)`` for an uploaded file (python-calamine, merged cells
included), ``read_rows(rows)`` for rows already in memory, ``match_header(text)`` for one header.
A user's mapping (column → meaning) overrides the guesses; it is keyed by column index or by the
header text, so a mapping remembered for a unit still applies when its columns move.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from itertools import chain
from types import SimpleNamespace

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook, SheetVisibleEnum

from core.text import normalize_search

HEADER_SCAN_ROWS = 30  # the header is looked for in the first rows, below any title block
SUB_HEADER_WINDOW = 3  # rows right after the header where leftover header rows are expected
SAMPLE_ROWS = 20
EXCEL_EPOCH = date(1899, 12, 30)


class Meaning(models.TextChoices):
    """What a column holds. ``ignore``: recognised and deliberately not imported (STT, phone …)."""

    STAFF_CODE = "staff_code", gettext_lazy("Staff code")
    FULL_NAME = "full_name", gettext_lazy("Full name")
    SURNAME = "surname", gettext_lazy("Family and middle name")
    GIVEN_NAME = "given_name", gettext_lazy("Given name")
    BIRTH_DATE = "birth_date", gettext_lazy("Date of birth")
    BIRTH_DATE_MALE = "birth_date_male", gettext_lazy("Date of birth (men)")
    BIRTH_DATE_FEMALE = "birth_date_female", gettext_lazy("Date of birth (women)")
    GENDER = "gender", gettext_lazy("Gender")
    GENDER_MALE = "gender_male", gettext_lazy("Male (marked)")
    GENDER_FEMALE = "gender_female", gettext_lazy("Female (marked)")
    CATEGORY = "category", gettext_lazy("Category")
    POST = "post", gettext_lazy("Post or title held")
    POSITION = "position", gettext_lazy("Position")
    FIELD = "field", gettext_lazy("Field")
    MAJOR_FIELD = "major_field", gettext_lazy("Trained field")
    QUALIFICATION = "qualification", gettext_lazy("Qualification")
    RANK = "rank", gettext_lazy("Civil service rank")
    UNIT = "unit", gettext_lazy("Unit")
    UNIT_NAME = "unit_name", gettext_lazy("Unit name")
    STATUS = "status", gettext_lazy("Status")
    START_DATE = "start_date", gettext_lazy("Joined on")
    END_DATE = "end_date", gettext_lazy("Left on")
    NOTE = "note", gettext_lazy("Note")
    COUNT = "count", gettext_lazy("Assigned posts")
    DECISION_NUMBER = "decision_number", gettext_lazy("Decision number")
    DECISION_DATE = "decision_date", gettext_lazy("Decision date")
    EFFECTIVE_FROM = "effective_from", gettext_lazy("Effective from")
    IGNORE = "ignore", gettext_lazy("Not imported")


class Confidence(models.TextChoices):
    EXACT = "exact", gettext_lazy("Exact")  # the template's header, in either language
    VARIANT = "variant", gettext_lazy("Variant")  # a known variant or abbreviation
    GUESS = "guess", gettext_lazy("Guess")  # the header contains a known phrase
    UNKNOWN = "unknown", gettext_lazy("Unknown")


class SheetKind(models.TextChoices):
    STAFF = "staff", gettext_lazy("Staff list")
    QUOTA = "quota", gettext_lazy("Quotas")


class SkipReason(models.TextChoices):
    BLANK = "blank", gettext_lazy("Blank row")
    SUB_HEADER = "sub_header", gettext_lazy("Part of the column headers")
    REPEATED_HEADER = "repeated_header", gettext_lazy("Column headers repeated")
    COLUMN_NUMBERS = "column_numbers", gettext_lazy("Column numbers")
    SECTION = "section", gettext_lazy("Section heading")
    TOTAL = "total", gettext_lazy("Totals row")
    SIGNATURE = "signature", gettext_lazy("Signature block")
    AFTER_SIGNATURE = "after_signature", gettext_lazy("Below the signature block")
    NO_NAME = "no_name", gettext_lazy("No name and no date of birth")


# The meanings as plain strings for everything below: an enum member hashes through Python code,
# which made the row loop several times slower.
M = SimpleNamespace(**{m.name: m.value for m in Meaning})
DATE_MEANINGS = frozenset(
    {M.BIRTH_DATE, M.BIRTH_DATE_MALE, M.BIRTH_DATE_FEMALE, M.START_DATE, M.END_DATE, M.DECISION_DATE, M.EFFECTIVE_FROM}
)
BIRTH_MEANINGS = (M.BIRTH_DATE, M.BIRTH_DATE_MALE, M.BIRTH_DATE_FEMALE)
NAME_MEANINGS = (M.FULL_NAME, M.GIVEN_NAME, M.SURNAME)
UNIQUE_MEANINGS = frozenset({M.FULL_NAME, M.GIVEN_NAME, M.STAFF_CODE, M.NOTE})
KIND_MEANINGS = {
    SheetKind.STAFF: frozenset(
        {
            M.STAFF_CODE,
            M.FULL_NAME,
            M.SURNAME,
            M.GIVEN_NAME,
            *BIRTH_MEANINGS,
            M.GENDER,
            M.GENDER_MALE,
            M.GENDER_FEMALE,
            M.CATEGORY,
            M.POST,
            M.POSITION,
            M.FIELD,
            M.MAJOR_FIELD,
            M.QUALIFICATION,
            M.RANK,
            M.UNIT,
            M.UNIT_NAME,
            M.STATUS,
            M.START_DATE,
            M.END_DATE,
            M.NOTE,
        }
    ),
    SheetKind.QUOTA: frozenset(
        {
            M.UNIT,
            M.UNIT_NAME,
            M.FIELD,
            M.CATEGORY,
            M.COUNT,
            M.DECISION_NUMBER,
            M.DECISION_DATE,
            M.EFFECTIVE_FROM,
            M.NOTE,
        }
    ),
}
# A sheet is a staff list when it has a name column, a quota sheet when it has a count column.
KIND_KEYS = {SheetKind.STAFF: (M.FULL_NAME, M.GIVEN_NAME), SheetKind.QUOTA: (M.COUNT,)}
REQUIRED = {SheetKind.STAFF: (M.FULL_NAME, M.BIRTH_DATE), SheetKind.QUOTA: (M.FIELD, M.COUNT)}

# Headers as officials write them: (exact, variants). Exact: the template's headers in Vietnamese
# and English. Matching folds case, diacritics and punctuation, so "HO VA TEN" is "Họ và tên".
VOCABULARY = {
    M.STAFF_CODE: (
        ["Mã cán bộ", "Staff code"],
        [
            "Mã nhân sự",
            "Mã CBCCVC",
            "Mã CBCC",
            "Mã CB",
            "Mã số cán bộ",
            "Mã công chức",
            "Mã viên chức",
            "Mã nhân viên",
            "Mã NV",
            "Số hiệu",
            "Số hiệu cán bộ",
            "Số hiệu công chức",
            "Employee code",
            "Employee ID",
            "Staff ID",
            "staff_code",
        ],
    ),
    M.FULL_NAME: (
        ["Họ và tên", "Full name"],
        [
            "Họ tên",
            "Họ, tên",
            "Họ và tên cán bộ",
            "Họ và tên cán bộ, công chức",
            "Họ và tên cán bộ, công chức, viên chức",
            "Tên cán bộ",
            "Họ tên đầy đủ",
            "Name",
            "full_name",
        ],
    ),
    M.SURNAME: (["Họ và tên đệm", "Họ đệm"], ["Họ", "Họ và đệm", "Family name", "Surname", "Last name"]),
    M.GIVEN_NAME: (["Tên"], ["Given name", "First name"]),
    M.BIRTH_DATE: (
        ["Ngày sinh", "Ngày, tháng, năm sinh", "Date of birth"],
        [
            "Ngày tháng năm sinh",
            "Ngày/tháng/năm sinh",
            "Năm sinh",
            "Sinh ngày",
            "Ngày sinh (dd/mm/yyyy)",
            "Birth date",
            "Birthday",
            "DOB",
            "Born",
            "Year of birth",
            "birth_date",
        ],
    ),
    M.GENDER: (["Giới tính", "Gender"], ["Sex", "Nam/Nữ", "Nam, nữ", "Nam hay nữ", "Phái", "Giới"]),
    M.CATEGORY: (
        ["Loại cán bộ", "Category"],
        [
            "Loại",
            "Đối tượng",
            "Phân loại",
            "Loại CBCCVC",
            "Loại hình",
            "Cán bộ/công chức",
            "Cán bộ, công chức",
            "CB/CC",
            "CB, CC, VC",
            "Cán bộ, công chức, viên chức",
            "Staff category",
        ],
    ),
    M.POST: (
        ["Chức vụ/chức danh", "Chức vụ", "Chức danh", "Post"],
        [
            "Chức vụ, chức danh",
            "Chức vụ hoặc chức danh",
            "Chức vụ hiện tại",
            "Chức vụ hiện nay",
            "Chức danh hiện nay",
            "Chức vụ, chức danh hiện nay",
            "Chức vụ chính quyền",
            "Chức vụ/chức danh đang đảm nhiệm",
            "Title",
            "Job title",
        ],
    ),
    M.POSITION: (
        ["Vị trí việc làm", "Position"],
        ["VTVL", "Vị trí", "Vị trí công việc", "Mã vị trí việc làm", "Vị trí việc làm đảm nhiệm", "Job position"],
    ),
    M.FIELD: (
        ["Lĩnh vực", "Field"],
        [
            "Lĩnh vực công tác",
            "Lĩnh vực chuyên môn",
            "Lĩnh vực phụ trách",
            "Lĩnh vực được giao",
            "Lĩnh vực đảm nhiệm",
            "Lĩnh vực công tác hiện nay",
            "Field of work",
        ],
    ),
    M.MAJOR_FIELD: (
        ["Chuyên ngành đào tạo", "Trained field"],
        ["Chuyên ngành", "Ngành đào tạo", "Chuyên ngành được đào tạo", "Ngành học", "Major", "Field of study"],
    ),
    M.QUALIFICATION: (
        ["Trình độ", "Trình độ chuyên môn", "Qualification"],
        [
            "Trình độ đào tạo",
            "Trình độ chuyên môn, nghiệp vụ",
            "Trình độ chuyên môn nghiệp vụ",
            "Bằng cấp",
            "Học vị",
            "Education",
            "Education level",
            "Degree",
        ],
    ),
    M.RANK: (
        ["Ngạch", "Civil service rank"],
        [
            "Ngạch công chức",
            "Ngạch, bậc",
            "Ngạch bậc",
            "Mã ngạch",
            "Ngạch hiện giữ",
            "Chức danh nghề nghiệp",
            "Ngạch/chức danh nghề nghiệp",
            "Ngạch, chức danh nghề nghiệp",
            "Ngạch, chức danh",
            "Rank",
            "Grade",
        ],
    ),
    M.UNIT: (
        ["Mã đơn vị", "Unit code"],
        [
            "Đơn vị",
            "Đơn vị công tác",
            "Cơ quan, đơn vị",
            "Cơ quan đơn vị",
            "Cơ quan",
            "Xã, phường",
            "Xã/phường",
            "Xã, phường, đặc khu",
            "Nơi công tác",
            "Unit",
            "Commune",
            "Department",
        ],
    ),
    M.UNIT_NAME: (["Tên đơn vị", "Unit name"], ["Tên cơ quan", "Tên cơ quan, đơn vị", "Tên xã", "Tên xã, phường"]),
    M.STATUS: (["Trạng thái", "Status"], ["Tình trạng"]),
    M.START_DATE: (
        ["Ngày vào", "Joined on"],
        [
            "Ngày tuyển dụng",
            "Ngày được tuyển dụng",
            "Ngày vào cơ quan",
            "Ngày vào ngành",
            "Ngày bắt đầu công tác",
            "Ngày tham gia công tác",
            "Thời gian tuyển dụng",
            "Start date",
            "Date joined",
            "Hired on",
        ],
    ),
    M.END_DATE: (
        ["Ngày nghỉ", "Left on"],
        ["Ngày thôi việc", "Ngày nghỉ việc", "Ngày nghỉ hưu", "End date", "Date left"],
    ),
    M.NOTE: (["Ghi chú", "Note"], ["Notes", "Remarks", "Ghi chú khác"]),
    M.COUNT: (
        ["Số biên chế được giao", "Assigned posts"],
        ["Biên chế", "Số biên chế", "Biên chế được giao", "Số lượng được giao", "Quota"],
    ),
    M.DECISION_NUMBER: (["Số quyết định", "Decision number"], ["Quyết định số", "Số QĐ"]),
    M.DECISION_DATE: (["Ngày quyết định", "Decision date"], ["Ngày ký", "Ngày ban hành", "Ngày QĐ"]),
    M.EFFECTIVE_FROM: (["Ngày hiệu lực", "Effective from"], ["Hiệu lực từ", "Hiệu lực từ ngày", "Có hiệu lực từ"]),
    M.IGNORE: (
        ["STT", "TT", "Số TT", "Số thứ tự", "No"],
        [
            "Quê quán",
            "Nơi sinh",
            "Dân tộc",
            "Tôn giáo",
            "Đảng viên",
            "Ngày vào Đảng",
            "Lý luận chính trị",
            "Trình độ lý luận chính trị",
            "LLCT",
            "Tin học",
            "Ngoại ngữ",
            "Quản lý nhà nước",
            "Trình độ văn hóa",
            "Giáo dục phổ thông",
            "Trình độ học vấn",
            "Số điện thoại",
            "Điện thoại",
            "Email",
            "CCCD",
            "Số CCCD",
            "CMND",
            "Số CMND",
            "Căn cước công dân",
            "Hệ số lương",
            "Bậc lương",
            "Mức lương",
            "Phụ cấp",
            "Địa chỉ",
            "Nơi ở hiện nay",
            "Chỗ ở hiện nay",
            "Chức vụ Đảng",
            "Chức vụ đoàn thể",
            "Kết quả đánh giá",
            "Xếp loại",
            "Phone",
            "Address",
            "Ethnicity",
            "Religion",
            "Hometown",
        ],
    ),
}
ROW_NUMBER_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu", "no"})
MALE_WORDS = frozenset({"nam", "male", "men", "m"})
FEMALE_WORDS = frozenset({"nu", "female", "women", "f"})
# Extra phrases that only ever make a guess (the header contains them).
GUESS_PHRASES = {
    M.FULL_NAME: ["ho va ten", "ho ten"],
    M.BIRTH_DATE: ["ngay sinh", "nam sinh", "birth"],
    M.POST: ["chuc vu", "chuc danh"],
    M.FIELD: ["linh vuc"],
    M.MAJOR_FIELD: ["chuyen nganh", "nganh dao tao"],
    M.QUALIFICATION: ["trinh do"],
    M.RANK: ["ngach"],
    M.UNIT: ["don vi"],
    M.STAFF_CODE: ["ma can bo", "so hieu"],
    M.START_DATE: ["tuyen dung"],
    M.NOTE: ["ghi chu"],
    M.COUNT: ["bien che"],
    M.CATEGORY: ["doi tuong"],
}
WEIGHT = {Confidence.EXACT: 3, Confidence.VARIANT: 3, Confidence.GUESS: 1}
RANK_OF = {Confidence.EXACT: 3, Confidence.VARIANT: 2, Confidence.GUESS: 1, Confidence.UNKNOWN: 0}

# Rows that end a list: "Người lập biểu", "(Ký, ghi rõ họ tên)", "TM. ỦY BAN NHÂN DÂN" … (folded).
SIGNATURE_STARTS = (
    "nguoi lap",
    "nguoi tong hop",
    "nguoi ky",
    "ky ghi ro ho ten",
    "ky va ghi ro ho ten",
    "ky ten",
    "ky dong dau",
    "tm ",
    "t m ",
    "kt ",
    "k t ",
    "thu truong co quan",
    "thu truong don vi",
    "xac nhan cua",
    "noi nhan",
    "luu vt",
    "prepared by",
    "signature",
)
# Titles over a signature; only read as one on a row with no name, written in capitals.
SIGNATURE_TITLES = frozenset(
    {
        "chu tich",
        "pho chu tich",
        "giam doc",
        "pho giam doc",
        "truong phong",
        "pho truong phong",
        "chanh van phong",
        "pho chanh van phong",
        "bi thu",
        "thu truong",
        "truong ban",
    }
)
TOTAL_NEXT = frozenset({"cong", "so", "toan", "chung", "ca", "i", "ii", "iii", "iv", "v"})  # "Cộng I + II"
ROMAN = frozenset("i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split())
# Section headings that name a staff category ("I. CÁN BỘ", "II. Công chức"), folded.
CATEGORY_HEADINGS = frozenset(
    {
        "can bo",
        "can bo cap xa",
        "can bo chuyen trach",
        "cong chuc",
        "cong chuc cap xa",
        "cong chuc chuyen mon",
        "vien chuc",
        "hop dong",
        "hop dong lao dong",
        "lao dong hop dong",
        "nguoi lao dong hop dong",
        "cadres",
        "civil servants",
        "public employees",
        "contract staff",
        "labour contracts",
    }
)
UNIT_HINT_STARTS = (
    "ubnd xa ",
    "ubnd phuong ",
    "ubnd dac khu ",
    "uy ban nhan dan xa ",
    "uy ban nhan dan phuong ",
    "uy ban nhan dan dac khu ",
    "xa ",
    "phuong ",
    "dac khu ",
    "so ",
    "ban quan ly ",
    "trung tam ",
    "thanh tra ",
)

_PUNCTUATION = str.maketrans({c: " " for c in ",.;:/\\-–—_*()[]{}#'\"?!+&|"})
_PARENTHESES = re.compile(r"\(.*?\)")


def header_key(text) -> str:
    """A header folded for matching: lower case, no diacritics, punctuation as spaces."""
    if text is None:
        return ""
    raw = str(text).strip()
    if raw in ("#", "№"):
        return "stt"
    return " ".join(normalize_search(raw).translate(_PUNCTUATION).split())


def _build_tables():
    exact, variant = {}, {}
    for meaning, (exacts, variants) in VOCABULARY.items():
        for phrase in exacts:
            exact.setdefault(header_key(phrase), meaning)
        for phrase in variants:
            variant.setdefault(header_key(phrase), meaning)
    for key in exact:
        variant.pop(key, None)
    guesses = []
    for table in (exact, variant):
        for key, meaning in table.items():
            if len(key.split()) >= 2 or len(key) >= 5:
                guesses.append((key, meaning))
    for meaning, phrases in GUESS_PHRASES.items():
        guesses.extend((p, meaning) for p in phrases)
    # Longest phrase first: "trinh do ly luan chinh tri" is not a qualification. Indexed by first word.
    guesses.sort(key=lambda item: -len(item[0]))
    index = {}
    for phrase, meaning in guesses:
        index.setdefault(phrase.split()[0], []).append((phrase, meaning))
    return exact, variant, index


EXACT, VARIANT, GUESSES = _build_tables()


def _known(key):
    if key in EXACT:
        return EXACT[key], Confidence.EXACT
    if key in VARIANT:
        return VARIANT[key], Confidence.VARIANT
    return None, Confidence.UNKNOWN


def _keys(text):
    key = header_key(text)
    plain = header_key(_PARENTHESES.sub(" ", str(text))) if "(" in str(text) else key
    return (key, plain) if plain != key else (key,)


def _sex_split(keys):
    """'Năm sinh Nam', 'Ngày sinh (Nữ)': a birth-date or gender header narrowed to one sex."""
    for key in keys:
        words = key.split()
        if len(words) < 2 or (words[-1] not in MALE_WORDS and words[-1] not in FEMALE_WORDS):
            continue
        meaning, confidence = _known(" ".join(words[:-1]))
        split = _split_by_sex(meaning, words[-1])
        if split is not None:
            return split, confidence
    return None, Confidence.UNKNOWN


def _split_by_sex(meaning, word):
    male = word in MALE_WORDS
    if meaning == M.BIRTH_DATE:
        return M.BIRTH_DATE_MALE if male else M.BIRTH_DATE_FEMALE
    if meaning == M.GENDER:
        return M.GENDER_MALE if male else M.GENDER_FEMALE
    return None


def _guess(key):
    words = key.split()
    if not words or len(words) > 10:
        return None
    padded = f" {key} "
    best = None
    for word in set(words):
        for phrase, meaning in GUESSES.get(word, ()):
            if (best is None or len(phrase) > len(best[0])) and f" {phrase} " in padded:
                best = (phrase, meaning)
                break  # the rest of this list is shorter
    return best[1] if best else None


@lru_cache(maxsize=8192)
def match_header(text, parent=None) -> tuple[str, str]:
    """(meaning, confidence) of a column header; ``parent`` is the header above it, if any.

    The meaning is "" when the header is not recognised.
    """
    text = "" if text is None else str(text).strip()
    parent = "" if parent is None else str(parent).strip()
    if not text and not parent:
        return "", Confidence.UNKNOWN
    if not parent:
        return _match_one(text)
    if not text:
        return _match_one(parent)
    top, top_confidence = _match_one(parent)
    split = _split_by_sex(top, header_key(text)) if header_key(text) in MALE_WORDS | FEMALE_WORDS else None
    if split is not None:
        return split, top_confidence
    for candidate in (text, f"{parent} {text}"):
        meaning, confidence = _recognise(_keys(candidate))
        if meaning is not None:
            return meaning, confidence
    for candidate in (text, f"{parent} {text}"):
        meaning = _guess(header_key(candidate))
        if meaning is not None:
            return meaning, Confidence.GUESS
    return "", Confidence.UNKNOWN


def _recognise(keys):
    """Known header or known header narrowed to one sex: the whole text first, then without
    what is in parentheses ("Ngày sinh (Nữ)" is women's, "Ngày sinh (dd/mm/yyyy)" any)."""
    for key in keys:
        meaning, confidence = _known(key)
        if meaning is None:
            meaning, confidence = _sex_split((key,))
        if meaning is not None:
            return meaning, confidence
    return None, Confidence.UNKNOWN


def _match_one(text):
    keys = _keys(text)
    meaning, confidence = _recognise(keys)
    if meaning is not None:
        return meaning, confidence
    for key in keys:
        meaning = _guess(key)
        if meaning is not None:
            return meaning, Confidence.GUESS
    return "", Confidence.UNKNOWN


# Values.


def clean_text(value) -> str:
    """A cell as text: spaces folded, whole numbers without ".0", dates as dd/mm/yyyy."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        text = value.strip()
        if "  " in text or "\n" in text or "\t" in text or "\xa0" in text or "\r" in text:
            text = " ".join(text.split())
        return text
    if kind is float:
        return str(int(value)) if value.is_integer() else repr(value)
    if kind is bool:
        return "TRUE" if value else "FALSE"
    if kind is int:
        return str(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def _two_digit_year(y):
    this = date.today().year % 100
    return 2000 + y if y <= this else 1900 + y


def parse_date(value):
    """(date, precision) from a cell: precision is "" (a full date), "month" or "year".

    Excel dates, Excel serial numbers, dd/mm/yyyy (also with - or .), yyyy-mm-dd, mm/yyyy and a
    year alone ("1985", read as 01/01/1985). Anything else comes back as text with precision None,
    for the row's validation to report.
    """
    kind = type(value)
    if kind is date:
        return value, ""
    if kind is datetime:
        return value.date(), ""
    if kind is float or kind is int:
        number = float(value)
        if number.is_integer() and 1900 <= number <= 2100:
            return date(int(number), 1, 1), "year"
        if 2100 < number < 2_958_466:  # up to 31/12/9999
            return EXCEL_EPOCH + timedelta(days=int(number)), ""
        return clean_text(value), None
    if kind is not str:
        return clean_text(value), None
    text = value.strip()
    if ":" in text:  # "1990-01-15 00:00:00"
        text = text.split()[0] if text.split() else text
    compact = text.replace(" ", "").rstrip(".")
    if compact.isdigit() and len(compact) == 4:
        year = int(compact)
        if 1900 <= year <= 2100:
            return date(year, 1, 1), "year"
        return clean_text(value), None
    for sep in "/-.":
        if sep in compact:
            parts = compact.split(sep)
            break
    else:
        return clean_text(value), None
    if not "".join(parts).isdigit() or not all(parts):
        return clean_text(value), None
    try:
        if len(parts) == 3:
            a, b, c = parts
            if len(a) == 4:
                return date(int(a), int(b), int(c)), ""
            year = int(c) if len(c) == 4 else _two_digit_year(int(c)) if len(c) == 2 else None
            if year is not None:
                return date(year, int(b), int(a)), ""
        elif len(parts) == 2 and len(parts[1]) == 4:
            return date(int(parts[1]), int(parts[0]), 1), "month"
    except ValueError:
        pass
    return clean_text(value), None


# What the reader returns.


@dataclass
class ColumnGuess:
    index: int  # 0 for column A
    header: str  # as written; "top / sub" for a two-row header
    meaning: str  # a Meaning, or "" when not recognised
    confidence: str
    source: str = "guess"  # "guess", or "user" when a mapping set it

    @property
    def letter(self):
        return get_column_letter(self.index + 1)


@dataclass(slots=True)
class Record:
    """One person (or quota row) read from the sheet; ``values`` holds only non-empty cells."""

    row: int  # as Excel numbers it
    values: dict
    section: tuple = ()  # the section headings above the row, outermost first
    derived: dict | None = None  # meaning -> where it came from ("birth_date_male", "section" …)
    approximate: dict | None = None  # meaning -> "year" or "month" when the date was partial
    issues: list | None = None  # (meaning, code): "male_and_female"


@dataclass(slots=True)
class Skipped:
    row: int
    reason: str  # a SkipReason
    text: str = ""  # the row's first text, to show beside the reason


@dataclass
class SheetReading:
    name: str
    kind: str | None  # a SheetKind, or None when no header row was found
    header_rows: tuple = ()  # Excel row numbers
    title: list = field(default_factory=list)  # texts above the header
    unit_hint: str = ""  # a title line naming a commune or department, e.g. "UBND XÃ ĐẮK MIL"
    columns: list = field(default_factory=list)
    records: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    sample: list = field(default_factory=list)  # (row, [cell as text]) for the first rows below the header

    def column(self, meaning):
        return next((c for c in self.columns if c.meaning == meaning), None)

    @property
    def meanings(self):
        return {c.meaning for c in self.columns if c.meaning and c.meaning != M.IGNORE}

    @property
    def missing(self):
        """Meanings this kind of sheet cannot do without and that no column holds."""
        if self.kind is None:
            return []
        have = set(self.meanings)
        if have & {M.BIRTH_DATE_MALE, M.BIRTH_DATE_FEMALE}:
            have.add(M.BIRTH_DATE)
        if have & set(NAME_MEANINGS):
            have.add(M.FULL_NAME)
        return [m for m in REQUIRED[self.kind] if m not in have]

    def skipped_counts(self):
        return Counter(s.reason for s in self.skipped)


class IntakeRefused(Exception):
    """The workbook as a whole cannot be read; ``message`` says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


# Finding the header.


def _merge_map(merged, top_row):
    """Column -> (first column, first row, spans several columns) of merges covering ``top_row``."""
    spans = {}
    for (r1, c1), (r2, c2) in merged or ():
        if r1 <= top_row <= r2:
            for c in range(c1, c2 + 1):
                spans[c] = (c1, r1, c2 > c1)
    return spans


def _is_text(value):
    return type(value) is str and value.strip() != ""


def _blank(value):
    return value is None or value == "" or (type(value) is str and not value.strip())


def _row_width(*rows):
    width = 0
    for row in rows:
        for idx in range(len(row) - 1, -1, -1):
            if not _blank(row[idx]):
                width = max(width, idx + 1)
                break
    return width


def _cell(row, idx):
    return row[idx] if idx < len(row) else ""


def _header_cells(rows, r, merged, *, two_rows):
    """The header text of each column when row ``r`` (and ``r + 1``) holds the headers."""
    top = rows[r]
    sub = rows[r + 1] if two_rows else []
    width = _row_width(top, sub)
    spans = _merge_map(merged, r)
    tops = []
    for c in range(width):
        value = _cell(top, c)
        if _blank(value) and c in spans:
            first_col, first_row, _wide = spans[c]
            value = _cell(rows[first_row], first_col) if first_row < len(rows) else ""
        tops.append(clean_text(value) if not _blank(value) else "")
    subs = [clean_text(_cell(sub, c)) if not _blank(_cell(sub, c)) else "" for c in range(width)] if two_rows else []
    if two_rows:
        # No merge (lost, or never made): a blank top cell over a sub-header continues the group on its left.
        for c in range(1, width):
            if not tops[c] and c not in spans and subs[c] and subs[c - 1] and tops[c - 1]:
                tops[c] = tops[c - 1]
    return tops, subs


def _could_be_sub_header(rows, r, merged):
    if r + 1 >= len(rows):
        return False
    top, sub = rows[r], rows[r + 1]
    texts = [(c, v) for c, v in enumerate(sub) if not _blank(v)]
    if not texts or any(not _is_text(v) for _c, v in texts) or _is_column_numbers(sub):
        return False
    spans = _merge_map(merged, r)
    for c, _v in texts:
        head = _cell(top, c)
        if _blank(head):
            continue
        grouped = c in spans and spans[c][2]
        right_blank = _blank(_cell(top, c + 1)) and not _blank(_cell(sub, c + 1))
        if grouped or right_blank:
            continue
        # A single-column header with text under it: that is data, not a sub-header.
        if _known(header_key(head))[0] is not None:
            return False
    return True


def _guess_columns(tops, subs):
    columns = []
    for c, top in enumerate(tops):
        sub = subs[c] if subs else ""
        if sub and top:
            meaning, confidence = match_header(sub, parent=top)
            header = f"{top} / {sub}"
        else:
            meaning, confidence = match_header(top or sub)
            header = top or sub
        columns.append(ColumnGuess(c, header, meaning, confidence))
    return columns


def _score(columns, kind):
    allowed = KIND_MEANINGS[kind]
    best = {}
    row_number = 0
    for col in columns:
        if col.meaning == M.IGNORE and header_key(col.header) in ROW_NUMBER_HEADERS:
            row_number = 1
        if col.meaning in allowed:
            best[col.meaning] = max(best.get(col.meaning, 0), WEIGHT[col.confidence])
    if not any(k in best for k in KIND_KEYS[kind]) or len(best) < 2:
        return 0
    return sum(best.values()) + row_number


def _looks_like_data(cells):
    """A row holding a date or several numbers is not a header row (spares the header search)."""
    numbers = 0
    for value in cells:
        kind = type(value)
        if kind is date or kind is datetime:
            return True
        if kind is int or kind is float:
            numbers += 1
            if numbers >= 2:
                return True
    return False


def find_header(rows, merged=()):
    """(kind, first header row index, number of header rows, columns) or None; indexes are 0-based."""
    best = None
    for r in range(min(len(rows), HEADER_SCAN_ROWS)):
        if not any(_is_text(v) for v in rows[r]) or _looks_like_data(rows[r]):
            continue
        candidates = [(1, _guess_columns(*_header_cells(rows, r, merged, two_rows=False)))]
        if _could_be_sub_header(rows, r, merged):
            candidates.append((2, _guess_columns(*_header_cells(rows, r, merged, two_rows=True))))
        for kind in SheetKind:
            single = None
            for height, columns in candidates:
                score = _score(columns, kind)
                if height == 1:
                    single = score
                elif score <= single:
                    continue  # a second header row must add something
                if score and (best is None or score > best[0]):
                    best = (score, kind, r, height, columns)
    if best is None:
        return None
    _score_, kind, r, height, columns = best
    return kind, r, height, columns


def _settle_columns(columns, kind, mapping):
    """Apply the user's mapping, keep one column per meaning, fold a lone "Tên" into the full name."""
    allowed = KIND_MEANINGS[kind] | {M.IGNORE} if kind else set(Meaning.values)
    for col in columns:
        if col.meaning and col.meaning not in allowed:
            col.meaning, col.confidence = "", Confidence.UNKNOWN
    if mapping:
        by_key = {header_key(k): v for k, v in mapping.items() if isinstance(k, str)}
        for col in columns:
            chosen = mapping.get(col.index, by_key.get(header_key(col.header)))
            if chosen is None:
                continue
            if chosen and chosen not in Meaning.values:
                raise ValueError(f"unknown meaning {chosen!r}")
            col.meaning = chosen
            col.confidence = Confidence.EXACT if chosen else Confidence.UNKNOWN
            col.source = "user"
    taken = {}
    for col in sorted(columns, key=lambda c: (c.source != "user", -RANK_OF[c.confidence], c.index)):
        if not col.meaning or col.meaning == M.IGNORE:
            continue
        if col.meaning in taken:
            col.meaning, col.confidence = "", Confidence.UNKNOWN
        else:
            taken[col.meaning] = col
    given = taken.get(M.GIVEN_NAME)
    if given is not None and M.FULL_NAME not in taken and M.SURNAME not in taken and given.source != "user":
        given.meaning = M.FULL_NAME
    return columns


def _kind_of(columns):
    meanings = {c.meaning for c in columns}
    if meanings & {M.FULL_NAME, M.GIVEN_NAME, M.SURNAME}:
        return SheetKind.STAFF
    if M.COUNT in meanings:
        return SheetKind.QUOTA
    return None


# Sorting the rows.


def _is_column_numbers(cells):
    """ "(1) (2) … (11)" or "1 2 3 …" under the headers: at least three consecutive numbers."""
    numbers = []
    for value in cells:
        if _blank(value):
            continue
        kind = type(value)
        if kind is int or kind is float:
            if not float(value).is_integer():
                return False
            numbers.append(int(value))
        elif kind is str:
            text = value.strip().strip("()").strip()
            if text.isdigit():
                numbers.append(int(text))
            elif len(text) == 1 and text.isalpha():
                continue  # "(A)", "B"
            elif text and set(text) <= set("0123456789()=+-x*/ "):
                continue  # "(4)=(2)+(3)"
            else:
                return False
        else:
            return False
    if len(numbers) < 3:
        return False
    return all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))


def _enumerator(text):
    """The level of a heading's enumerator ("A." 0, "I." 1, "1." 2, "a)" 3), or None."""
    parts = text.split(None, 1)
    if not parts:
        return None
    first = parts[0]
    bare = first.rstrip(".)")
    if not bare or bare == first:
        return None  # no "." or ")" after it: an ordinary word ("Y Moan" is a name)
    token = bare.lower()
    if token in ROMAN and first[0].isupper():
        return 1
    if len(token) == 1 and token.isalpha():
        return 0 if first[0].isupper() else 3
    if token.isdigit():
        return 2
    return None


def _strip_enumerator(text):
    parts = text.split(None, 1)
    if len(parts) == 2 and _enumerator(text) is not None:
        return parts[1].strip()
    return text


def _stt_level(value):
    """A section's number in the STT column: "I" → 1, "A" → 0; None for a person's number."""
    if not _is_text(value):
        return None
    token = value.strip().rstrip(".)")
    if token.lower() in ROMAN and token.isupper():
        return 1
    if len(token) == 1 and token.isalpha():
        return 0 if token.isupper() else 3
    return None


def _is_total(text):
    """ "Tổng cộng", "Tổng số: 25", "Cộng: 5 người", "Total" — not "Cộng tác viên", "Tống Văn A"."""
    if not text or text[0] not in "TtCcGgSs":
        return False
    first = unicodedata.normalize("NFC", text.split(None, 1)[0]).lower().rstrip(":.")
    if first in ("tống", "công"):  # family names
        return False
    words = header_key(text).split()
    if not words:
        return False
    if words[0] in ("total", "sum") or words[:2] == ["grand", "total"]:
        return True
    if words[0] not in ("tong", "cong"):
        return False
    return len(words) == 1 or words[1] in TOTAL_NEXT or words[1][0].isdigit()


def _is_signature(texts, has_name, name_text):
    for _c, raw in texts:
        key = header_key(raw)
        if key.startswith(SIGNATURE_STARTS) or key in ("ky", "ky ten"):
            return True
        if has_name and raw != name_text:
            continue
        if key in SIGNATURE_TITLES and raw.isupper():
            return True
        padded = f" {key} "
        if " ngay " in padded and " thang " in padded and " nam " in padded:
            return True  # "Ea Kao, ngày 10 tháng 7 năm 2025"
    return False


@dataclass
class _Layout:
    kind: str | None
    plan: list  # (column index, meaning, is a date, values repeat from row to row)
    name_col: int | None
    stt_col: int | None
    header_keys: dict  # column index -> folded header
    has_category: bool
    name_parts: tuple | None  # (surname column, given name column)
    split_birth: bool  # birth dates in a men's and a women's column
    sex_marks: bool  # "x" under Nam / Nữ


def _layout(columns, kind):
    plan = []
    name_col = stt_col = None
    surname = given = None
    for col in columns:
        if col.meaning == M.IGNORE and header_key(col.header.split(" / ")[-1]) in ROW_NUMBER_HEADERS:
            stt_col = col.index
        if not col.meaning or col.meaning == M.IGNORE:
            continue
        plan.append((col.index, col.meaning, col.meaning in DATE_MEANINGS, col.meaning not in UNIQUE_MEANINGS))
        if col.meaning == M.FULL_NAME:
            name_col = col.index
        elif col.meaning == M.SURNAME:
            surname = col.index
        elif col.meaning == M.GIVEN_NAME:
            given = col.index
    if name_col is None:
        name_col = given if given is not None else surname
    return _Layout(
        kind=kind,
        plan=plan,
        name_col=name_col,
        stt_col=stt_col,
        header_keys={c.index: header_key(c.header.split(" / ")[-1]) for c in columns if c.header},
        has_category=any(c.meaning == M.CATEGORY for c in columns),
        name_parts=(surname, given) if surname is not None or given is not None else None,
        split_birth=any(p[1] in (M.BIRTH_DATE_MALE, M.BIRTH_DATE_FEMALE) for p in plan),
        sex_marks=any(p[1] in (M.GENDER_MALE, M.GENDER_FEMALE) for p in plan),
    )


class _RowReader:
    """Sorts the rows under the header; each row is read once, with no regular expression per row."""

    def __init__(self, reading, layout, header_end):
        self.reading = reading
        self.layout = layout
        self.header_end = header_end  # Excel number of the last header row
        self.after_signature = False
        self.sections = []  # (level, text)
        self.section = ()
        self.section_category = None
        self.dates = {}  # a text date is parsed once per file
        self.quota = layout.kind == SheetKind.QUOTA
        self.shared = {}

    def read(self, number, cells):
        reading, layout = self.reading, self.layout
        if self.after_signature:
            if any(not _blank(v) for v in cells):
                reading.skipped.append(Skipped(number, SkipReason.AFTER_SIGNATURE, _first_text(cells)))
            else:
                reading.skipped.append(Skipped(number, SkipReason.BLANK))
            return
        values = {}
        approximate = None
        width = len(cells)
        shared = self.shared
        for idx, meaning, is_date, repeats in layout.plan:
            if idx >= width:
                continue
            value = cells[idx]
            if value is None or value == "":
                continue
            if is_date:
                if type(value) is str:
                    parsed = self.dates.get(value)
                    if parsed is None:
                        parsed = self.dates[value] = parse_date(value)
                else:
                    parsed = parse_date(value)
                value, precision = parsed
                if precision:
                    approximate = approximate or {}
                    approximate[meaning] = precision
            elif type(value) is str:  # clean_text, inlined: most cells are text
                value = value.strip()
                if "  " in value or "\n" in value or "\t" in value or "\xa0" in value or "\r" in value:
                    value = " ".join(value.split())
            else:
                value = clean_text(value)
            if value == "":
                continue
            if repeats and not is_date:
                # One string object per distinct post, field, qualification …: 66,000 rows hold a few
                # hundred distinct values, and each cell read is a new string otherwise.
                value = shared.setdefault(value, value)
            values[meaning] = value
        if self.quota:
            # A quota row names a field and a count; a totals row may too, so its label is checked.
            has_name = M.FIELD in values
            has_birth = M.COUNT in values
            if has_name and has_birth and not _is_total(values[M.FIELD]) and not _is_total(values.get(M.UNIT, "")):
                self._record(number, values, approximate)
                return
        else:
            name = values.get(M.FULL_NAME) or values.get(M.GIVEN_NAME) or values.get(M.SURNAME)
            has_name = name is not None
            has_birth = (
                type(values.get(M.BIRTH_DATE)) is date
                or type(values.get(M.BIRTH_DATE_MALE)) is date
                or type(values.get(M.BIRTH_DATE_FEMALE)) is date
            )
            # A totals row may hold counts in the birth-date columns: its label is checked.
            if has_name and has_birth and not _is_total(name):
                self._record(number, values, approximate)
                return
        reason = self._classify(number, cells, values, has_name, has_birth)
        if reason is None:
            self._record(number, values, approximate)

    def _classify(self, number, cells, values, has_name, has_birth):
        reading, layout = self.reading, self.layout
        texts = [(c, v.strip()) for c, v in enumerate(cells) if _is_text(v)]
        if not texts and all(_blank(v) for v in cells):
            reading.skipped.append(Skipped(number, SkipReason.BLANK))
            return SkipReason.BLANK
        first = _first_text(cells)
        if _is_column_numbers(cells):
            reading.skipped.append(Skipped(number, SkipReason.COLUMN_NUMBERS, first))
            return SkipReason.COLUMN_NUMBERS
        same = sum(1 for c, v in texts if layout.header_keys.get(c) and header_key(v) == layout.header_keys[c])
        if same >= 2:
            reading.skipped.append(Skipped(number, SkipReason.REPEATED_HEADER, first))
            return SkipReason.REPEATED_HEADER
        if (
            number - self.header_end <= SUB_HEADER_WINDOW
            and not has_birth
            and texts
            and len(texts) == sum(1 for v in cells if not _blank(v))
        ):
            keys = [header_key(v) for _c, v in texts]
            if all(k in MALE_WORDS or k in FEMALE_WORDS or _known(k)[0] is not None for k in keys):
                reading.skipped.append(Skipped(number, SkipReason.SUB_HEADER, first))
                return SkipReason.SUB_HEADER
        name_text = cells[layout.name_col].strip() if layout.name_col is not None and has_name else None
        stt = _cell(cells, layout.stt_col) if layout.stt_col is not None else ""
        heading = [(c, v) for c, v in texts if c != layout.stt_col]
        heading_text = heading[0][1] if heading else ""
        if heading_text and _is_total(heading_text):
            reading.skipped.append(Skipped(number, SkipReason.TOTAL, first))
            return SkipReason.TOTAL
        # A staff row with a date of birth is a person, whatever else it says; a quota row is checked.
        structure = not has_birth or self.quota
        if structure and _is_signature(texts, has_name, name_text):
            self.after_signature = True
            reading.skipped.append(Skipped(number, SkipReason.SIGNATURE, first))
            return SkipReason.SIGNATURE
        if structure:
            level = self._section_level(stt, heading, heading_text, has_name, cells)
            if level is not None:
                self._enter_section(level, heading_text or clean_text(stt))
                reading.skipped.append(Skipped(number, SkipReason.SECTION, first))
                return SkipReason.SECTION
        if has_name or has_birth:
            return None
        reading.skipped.append(Skipped(number, SkipReason.NO_NAME, first))
        return SkipReason.NO_NAME

    def _section_level(self, stt, heading, heading_text, has_name, cells):
        layout = self.layout
        if not heading_text:
            return None
        stt_level = _stt_level(stt)
        if stt_level is not None:
            return stt_level
        level = _enumerator(heading_text)
        if level is not None:
            return level
        stt_is_number = type(stt) in (int, float) or (_is_text(stt) and stt.strip().rstrip(".").isdigit())
        if stt_is_number:
            return None
        others = [v for c, v in enumerate(cells) if not _blank(v) and c != layout.stt_col]
        if len(others) == 1 and (heading[0][0] != layout.name_col or heading_text.isupper()):
            return 4  # a heading alone on its row, outside the name column or in capitals
        return None

    def _enter_section(self, level, text):
        while self.sections and self.sections[-1][0] >= level:
            self.sections.pop()
        self.sections.append((level, text))
        self.section = tuple(t for _level, t in self.sections)
        if not self.layout.has_category:
            body = _strip_enumerator(text)
            if header_key(body) in CATEGORY_HEADINGS:
                self.section_category = body
            elif level <= min(lv for lv, _t in self.sections):
                self.section_category = None  # a new outermost section that names no category

    def _record(self, number, values, approximate):
        derived = issues = None
        layout = self.layout
        male = values.pop(M.BIRTH_DATE_MALE, None) if layout.split_birth else None
        female = values.pop(M.BIRTH_DATE_FEMALE, None) if layout.split_birth else None
        if male is not None or female is not None:
            derived = {}
            if male is not None and female is not None:
                issues = [(M.BIRTH_DATE, "male_and_female")]
            elif M.BIRTH_DATE not in values:
                values[M.BIRTH_DATE] = male if male is not None else female
                derived[M.BIRTH_DATE] = M.BIRTH_DATE_MALE if male is not None else M.BIRTH_DATE_FEMALE
                if approximate:
                    precision = approximate.pop(M.BIRTH_DATE_MALE, None) or approximate.pop(M.BIRTH_DATE_FEMALE, None)
                    if precision:
                        approximate[M.BIRTH_DATE] = precision
                if M.GENDER not in values:
                    values[M.GENDER] = "male" if male is not None else "female"
                    derived[M.GENDER] = derived[M.BIRTH_DATE]
        marked_male = values.pop(M.GENDER_MALE, None) if layout.sex_marks else None
        marked_female = values.pop(M.GENDER_FEMALE, None) if layout.sex_marks else None
        if (marked_male or marked_female) and M.GENDER not in values:
            derived = derived or {}
            if marked_male and marked_female:
                issues = (issues or []) + [(M.GENDER, "male_and_female")]
            else:
                values[M.GENDER] = "male" if marked_male else "female"
                derived[M.GENDER] = M.GENDER_MALE if marked_male else M.GENDER_FEMALE
        if layout.name_parts and M.FULL_NAME not in values:
            parts = [values.pop(m, "") for m in (M.SURNAME, M.GIVEN_NAME)]
            if any(parts):
                values[M.FULL_NAME] = " ".join(p for p in parts if p)
                derived = derived or {}
                derived[M.FULL_NAME] = "name_parts"
        if self.section_category and M.CATEGORY not in values:
            values[M.CATEGORY] = self.section_category
            derived = derived or {}
            derived[M.CATEGORY] = "section"
        self.reading.records.append(Record(number, values, self.section, derived or None, approximate or None, issues))


def _first_text(cells):
    for value in cells:
        if not _blank(value):
            return clean_text(value)[:120]
    return ""


def _unit_hint(title):
    for text in title:
        key = header_key(text)
        words = key.split()
        if key.startswith(UNIT_HINT_STARTS) and len(words) > 1 and not words[1][0].isdigit():
            return text  # not "Số: 12/BC-UBND"
    return ""


def read_rows(
    rows, *, name="", merged=(), mapping=None, header_rows=None, max_rows=None, progress=None
) -> SheetReading:
    """Read one sheet given as rows of cell values, from row 1 and column A.

    ``merged``: merge ranges as ((first row, first column), (last row, last column)), 0-based
    (python-calamine's ``merged_cell_ranges``). ``mapping``: column index or header text →
    meaning ("" for none), overriding the guesses. ``header_rows``: the Excel numbers of the
    header rows, when the user points at them. ``max_rows``: refuse a sheet with more data rows.
    ``progress(sheet name, rows read)`` is called every 5,000 rows (for a background task).

    A reading holds plain values (str, date, tuples, dicts) and pickles, so a background task can
    read a file once and the preview and apply steps reuse what it read.
    """
    rows = iter(rows)
    head = []
    for cells in rows:
        head.append(list(cells))
        if len(head) >= HEADER_SCAN_ROWS + 1:
            break
    reading = SheetReading(name=name, kind=None)
    if header_rows:
        first = min(header_rows) - 1
        height = len(header_rows)
        two = height == 2 and first + 1 < len(head)
        columns = _guess_columns(*_header_cells(head, first, merged, two_rows=two)) if first < len(head) else []
        found = (None, first, height, columns)
    else:
        found = find_header(head, merged)
    if found is None:
        if mapping:
            width = _row_width(*head)
            columns = [ColumnGuess(c, "", "", Confidence.UNKNOWN) for c in range(width)]
            found = (None, -1, 1, columns)
        else:
            reading.title = [clean_text(v) for v in chain.from_iterable(head[:HEADER_SCAN_ROWS]) if _is_text(v)][:40]
            reading.sample = [(n, [clean_text(v) for v in r]) for n, r in enumerate(head[:SAMPLE_ROWS], start=1)]
            return reading
    kind, first, height, columns = found
    _settle_columns(columns, kind, mapping)
    reading.kind = _kind_of(columns) if (mapping or kind is None) else kind
    reading.columns = columns
    reading.header_rows = tuple(range(first + 1, first + height + 1))
    reading.title = [clean_text(v) for v in chain.from_iterable(head[: max(first, 0)]) if _is_text(v)]
    reading.unit_hint = _unit_hint(reading.title)
    header_end = first + height  # Excel number of the last header row
    reader = _RowReader(reading, _layout(columns, reading.kind), header_end)
    count = 0
    for number, cells in enumerate(chain(head[header_end:], rows), start=header_end + 1):
        count += 1
        if max_rows is not None and count > max_rows:
            raise IntakeRefused(
                _("The sheet «%(sheet)s» has more than %(max)s rows; at most %(max)s rows can be imported at once.")
                % {"sheet": name, "max": max_rows}
            )
        if len(reading.sample) < SAMPLE_ROWS:
            reading.sample.append((number, [clean_text(v) for v in cells]))
        reader.read(number, cells)
        if progress is not None and count % 5000 == 0:
            progress(name, count)
    # Trailing blank rows say nothing.
    while reading.skipped and reading.skipped[-1].reason == SkipReason.BLANK:
        if reading.records and reading.records[-1].row > reading.skipped[-1].row:
            break
        reading.skipped.pop()
    return reading


def _sheet_rows(sheet):
    """Rows from row 1 and column A: python-calamine starts each row at the first used column."""
    pad = sheet.start[1] if sheet.start else 0
    if not pad:
        yield from sheet.iter_rows()
        return
    prefix = [""] * pad
    for cells in sheet.iter_rows():
        yield prefix + cells


def read_workbook(fileobj, *, mappings=None, header_rows=None, max_rows=None, progress=None) -> list[SheetReading]:
    """Read every visible sheet of an xlsx; ``mappings`` and ``header_rows`` are keyed by sheet name.

    The file should have passed ``staffing.importer.check_file`` first (size, zip bomb, format).
    Raises ``IntakeRefused`` when the workbook cannot be read or a sheet is over ``max_rows``.
    """
    try:
        workbook = CalamineWorkbook.from_filelike(fileobj)
        metadata = workbook.sheets_metadata
    except (CalamineError, ValueError, OSError) as exc:
        raise IntakeRefused(_("The workbook is damaged and cannot be read.")) from exc
    readings = []
    for meta in metadata:
        if meta.visible != SheetVisibleEnum.Visible:
            continue
        try:
            sheet = workbook.get_sheet_by_name(meta.name)
            merged = sheet.merged_cell_ranges or ()
        except (CalamineError, ValueError) as exc:
            raise IntakeRefused(_("The workbook is damaged and cannot be read.")) from exc
        readings.append(
            read_rows(
                _sheet_rows(sheet),
                name=meta.name,
                merged=merged,
                mapping=(mappings or {}).get(meta.name),
                header_rows=(header_rows or {}).get(meta.name),
                max_rows=max_rows,
                progress=progress,
            )
        )
    return readings
