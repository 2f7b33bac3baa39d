"""Deterministic demo data: a realistic province (or the whole country) to explore and to benchmark.

``demo_seed`` builds, for each province whose communes ``load_units`` has loaded: the province's
departments and public service units, quotas per commune × field × category, a roster of staff
skewed so that some communes lack people in specialised fields while others have a surplus (some
both at once), one reinforcement plan and movements in every status. The same seed on the same
day gives the same data; running it again replaces the province's staffing data. People carry a
dated placement history (joining, transfers applied, some changes of post since the reform) and
some are absent (maternity, study, sick leave, military service …) now, before or later.

Fields and positions are national reference data: they are created once and never replaced.
"""

import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communes.models import COMMUNE_LEVEL_KINDS, PROVINCIAL_KINDS, Province, Unit, UnitKind
from core.text import normalize_search
from secondments.models import (
    DECIDED_STATUSES,
    Extension,
    Kind,
    Plan,
    QuotaRule,
    Secondment,
    SendingQuota,
    StaffRequest,
    Status,
)
from staffing.models import (
    Absence,
    AbsenceKind,
    Assignment,
    Category,
    Field,
    Gender,
    PlacementChange,
    Position,
    PositionGroup,
    Qualification,
    Quota,
    Staff,
    StaffStatus,
)

MAX_SEED = 2**31 - 1
REFORM_DATE = date(2025, 7, 1)  # two-tier local government in force; quotas take effect
EARLIEST_MOVEMENT = date(2025, 7, 15)
APPLIED_TRANSFER = (Status.APPROVED, Status.COMPLETED)  # approval applies a transfer from its start
BATCH = 2000
CORRECTION_REASON = "Sửa lĩnh vực ghi sai khi sắp xếp đơn vị"

# code, Vietnamese name, English name, specialised
FIELDS = [
    ("office", "Văn phòng, tổng hợp", "Office and general administration", False),
    ("internal_affairs", "Nội vụ", "Internal affairs", False),
    ("finance", "Tài chính", "Finance", True),
    ("accounting", "Kế toán", "Accounting", True),
    ("land", "Đất đai, địa chính", "Land and cadastre", True),
    ("construction", "Xây dựng, quy hoạch", "Construction and planning", True),
    ("agri_env", "Nông nghiệp và môi trường", "Agriculture and environment", True),
    ("it", "Công nghệ thông tin, chuyển đổi số", "IT and digital transformation", True),
    ("justice", "Tư pháp, hộ tịch", "Justice and civil status", True),
    ("health", "Y tế", "Health", True),
    ("education", "Giáo dục và đào tạo", "Education and training", True),
    ("culture", "Văn hóa, thể thao và du lịch", "Culture, sport and tourism", False),
    ("science", "Khoa học và công nghệ", "Science and technology", True),
    ("industry_trade", "Công thương", "Industry and trade", True),
    ("ethnicity_religion", "Dân tộc và tôn giáo", "Ethnicity and religion", False),
    ("labour_social", "Lao động, người có công và xã hội", "Labour, veterans and social affairs", False),
    ("inspection", "Thanh tra", "Inspection", True),
    ("military", "Quân sự địa phương", "Local military affairs", False),
    ("public_order", "An ninh, trật tự (phối hợp công an)", "Public order (police liaison)", False),
    ("government", "Lãnh đạo chính quyền", "Local government leadership", False),
    ("party_mass", "Đảng, Mặt trận và đoàn thể", "Party, Fatherland Front and mass organisations", False),
]
CADRE_FIELDS = ("government", "party_mass")
PROFESSIONAL_FIELDS = [f[0] for f in FIELDS if f[0] not in CADRE_FIELDS]
# Fields communes chronically lack since the merger, and fields where they tend to have too many.
SHORT_FIELDS = ["land", "finance", "accounting", "it", "construction", "justice", "agri_env", "health"]
SURPLUS_FIELDS = ["culture", "office", "labour_social", "internal_affairs", "education"]
PRIORITY_FIELDS = ["land", "finance", "accounting", "it", "construction", "justice"]

# Civil-service posts per field of a commune (min, max) and cadre posts; wards get a little more.
COMMUNE_QUOTA = {
    "office": (5, 7),
    "internal_affairs": (2, 3),
    "finance": (2, 4),
    "accounting": (2, 2),
    "land": (3, 5),
    "construction": (2, 4),
    "agri_env": (3, 5),
    "it": (1, 2),
    "justice": (2, 3),
    "health": (1, 2),
    "education": (1, 2),
    "culture": (2, 3),
    "science": (0, 1),
    "industry_trade": (1, 2),
    "ethnicity_religion": (0, 1),
    "labour_social": (2, 3),
    "inspection": (1, 2),
    "military": (2, 3),
    "public_order": (0, 1),
}
CADRE_QUOTA = {"government": (5, 6), "party_mass": (8, 10)}
KIND_SIZE = {UnitKind.WARD: 1.15, UnitKind.COMMUNE: 1.0, UnitKind.SPECIAL_ZONE: 0.75}

# Positions: code, name, group, field, level, leader. Generic ones are built per field below.
_L, _S, _C, _H = PositionGroup.LEADERSHIP, PositionGroup.SPECIALISED, PositionGroup.COMMON, PositionGroup.SUPPORT
SPECIAL_POSITIONS = [
    ("XA.CVP", "Chánh Văn phòng HĐND và UBND cấp xã", _L, "office", "Trưởng phòng", True),
    ("XA.PCVP", "Phó Chánh Văn phòng HĐND và UBND cấp xã", _L, "office", "Phó Trưởng phòng", True),
    ("XA.TPKT", "Trưởng phòng Kinh tế (xã)", _L, "agri_env", "Trưởng phòng", True),
    ("XA.TPKTHT", "Trưởng phòng Kinh tế, Hạ tầng và Đô thị (phường)", _L, "construction", "Trưởng phòng", True),
    ("XA.PTPKT", "Phó Trưởng phòng Kinh tế", _L, "finance", "Phó Trưởng phòng", True),
    ("XA.TPVHXH", "Trưởng phòng Văn hóa - Xã hội", _L, "culture", "Trưởng phòng", True),
    ("XA.PTPVHXH", "Phó Trưởng phòng Văn hóa - Xã hội", _L, "labour_social", "Phó Trưởng phòng", True),
    ("XA.CHTQS", "Chỉ huy trưởng Ban Chỉ huy quân sự cấp xã", _L, "military", "Chỉ huy trưởng", True),
    ("CH.VT", "Văn thư", _C, "office", "Văn thư viên", False),
    ("CH.LT", "Lưu trữ", _C, "office", "Lưu trữ viên", False),
    ("CH.MC", "Tiếp nhận và trả kết quả thủ tục hành chính (một cửa)", _C, "office", "Chuyên viên", False),
    ("CH.TCCB", "Tổ chức cán bộ", _C, "internal_affairs", "Chuyên viên", False),
    ("CH.KT", "Kế toán", _C, "accounting", "Kế toán viên", False),
    ("CH.TQ", "Thủ quỹ", _C, "accounting", "Cán sự", False),
    ("CH.PC", "Pháp chế", _C, "justice", "Chuyên viên", False),
    ("HT.LX", "Lái xe", _H, "office", "Nhân viên", False),
    ("HT.BV", "Bảo vệ", _H, "office", "Nhân viên", False),
    ("HT.PV", "Phục vụ", _H, "office", "Nhân viên", False),
    ("HT.KTV", "Nhân viên kỹ thuật", _H, "it", "Nhân viên", False),
    ("CB.CTUB", "Chủ tịch Ủy ban nhân dân cấp xã", _L, "government", "Cán bộ", True),
    ("CB.PCTUB", "Phó Chủ tịch Ủy ban nhân dân cấp xã", _L, "government", "Cán bộ", True),
    ("CB.CTHD", "Chủ tịch Hội đồng nhân dân cấp xã", _L, "government", "Cán bộ", True),
    ("CB.PCTHD", "Phó Chủ tịch Hội đồng nhân dân cấp xã", _L, "government", "Cán bộ", True),
    ("CB.BT", "Bí thư Đảng ủy cấp xã", _L, "party_mass", "Cán bộ", True),
    ("CB.PBT", "Phó Bí thư Đảng ủy cấp xã", _L, "party_mass", "Cán bộ", True),
    ("CB.CTMT", "Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam cấp xã", _L, "party_mass", "Cán bộ", False),
    ("CB.PCTMT", "Phó Chủ tịch Ủy ban Mặt trận Tổ quốc Việt Nam cấp xã", _L, "party_mass", "Cán bộ", False),
    ("CB.DTN", "Bí thư Đoàn Thanh niên Cộng sản Hồ Chí Minh cấp xã", _L, "party_mass", "Cán bộ", False),
    ("CB.PN", "Chủ tịch Hội Liên hiệp Phụ nữ cấp xã", _L, "party_mass", "Cán bộ", False),
    ("CB.ND", "Chủ tịch Hội Nông dân cấp xã", _L, "party_mass", "Cán bộ", False),
    ("CB.CCB", "Chủ tịch Hội Cựu chiến binh cấp xã", _L, "party_mass", "Cán bộ", False),
]
CADRE_SLOTS = {
    "government": ["CB.CTUB", "CB.CTHD", "CB.PCTUB", "CB.PCTUB", "CB.PCTHD", "CB.PCTUB"],
    "party_mass": [
        "CB.BT",
        "CB.PBT",
        "CB.CTMT",
        "CB.DTN",
        "CB.PN",
        "CB.ND",
        "CB.CCB",
        "CB.PCTMT",
        "CB.PCTMT",
        "CB.PBT",
    ],
}
# The first staff of a commune field hold these posts (the post may be vacant: see _commune_roster).
COMMUNE_LEAD_SLOTS = {
    "office": ["XA.CVP", "XA.PCVP", "CH.VT", "CH.MC", "CH.LT"],
    "agri_env": ["XA.TPKT"],
    "finance": ["XA.PTPKT"],
    "culture": ["XA.TPVHXH"],
    "labour_social": ["XA.PTPVHXH"],
    "military": ["XA.CHTQS"],
    "accounting": ["CH.KT", "CH.TQ"],
    "internal_affairs": ["CH.TCCB"],
}

# Provincial agencies: abbreviation, name ("{level}" is "tỉnh" or "thành phố", "{party}" is
# "Tỉnh ủy" or "Thành ủy"), main field, other fields, civil servants, title of the head.
DEPARTMENTS = [
    ("VPUBND", "Văn phòng Ủy ban nhân dân {level}", "office", ("it", "finance", "internal_affairs"), 75, "Chánh"),
    ("SNV", "Sở Nội vụ", "internal_affairs", ("labour_social", "office"), 90, "Giám đốc"),
    ("STP", "Sở Tư pháp", "justice", ("office",), 45, "Giám đốc"),
    ("STC", "Sở Tài chính", "finance", ("accounting", "office"), 95, "Giám đốc"),
    ("SCT", "Sở Công Thương", "industry_trade", ("office",), 60, "Giám đốc"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường", "agri_env", ("land", "office"), 125, "Giám đốc"),
    ("SXD", "Sở Xây dựng", "construction", ("office",), 70, "Giám đốc"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "science", ("it", "office"), 55, "Giám đốc"),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "culture", ("office",), 60, "Giám đốc"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "education", ("office",), 65, "Giám đốc"),
    ("SYT", "Sở Y tế", "health", ("labour_social", "office"), 70, "Giám đốc"),
    ("TTR", "Thanh tra {level}", "inspection", ("office",), 55, "Chánh"),
    ("SDTTG", "Sở Dân tộc và Tôn giáo", "ethnicity_religion", ("office",), 35, "Giám đốc"),
    ("BQLKCN", "Ban Quản lý các khu công nghiệp {level}", "industry_trade", ("construction", "office"), 30, "Trưởng"),
    ("VPDDBQH", "Văn phòng Đoàn đại biểu Quốc hội và Hội đồng nhân dân {level}", "office", ("justice",), 45, "Chánh"),
    ("BTCTU", "Ban Tổ chức {party}", "party_mass", ("internal_affairs",), 35, "Trưởng"),
    ("VPTU", "Văn phòng {party}", "party_mass", ("office", "accounting"), 50, "Chánh"),
    ("UBKTTU", "Ủy ban Kiểm tra {party}", "inspection", ("party_mass",), 30, "Chủ nhiệm"),
    ("BTGDVTU", "Ban Tuyên giáo và Dân vận {party}", "party_mass", ("culture",), 35, "Trưởng"),
    ("UBMTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam {level}", "party_mass", ("office",), 40, "Chủ tịch"),
]
# Public service units: abbreviation, name, parent department (or None), field, public employees.
PUBLIC_SERVICE_UNITS = [
    ("TTPVHCC", "Trung tâm Phục vụ hành chính công {level}", "VPUBND", "office", 35),
    ("TTCNTT", "Trung tâm Công nghệ thông tin và Chuyển đổi số", "SKHCN", "it", 30),
    ("VPDKDD", "Văn phòng Đăng ký đất đai", "SNNMT", "land", 80),
    ("TTKSBT", "Trung tâm Kiểm soát bệnh tật", "SYT", "health", 70),
    ("TTTGPL", "Trung tâm Trợ giúp pháp lý nhà nước", "STP", "justice", 20),
    ("BQLDA", "Ban Quản lý dự án đầu tư xây dựng các công trình dân dụng và công nghiệp", None, "construction", 40),
]

# Names. Weights follow the frequency of Vietnamese family names; the south favours Huỳnh and Võ.
FAMILY = {
    "Nguyễn": 31,
    "Trần": 11,
    "Lê": 9.5,
    "Phạm": 7,
    "Phan": 4.5,
    "Hoàng": 4,
    "Huỳnh": 1,
    "Vũ": 3.5,
    "Võ": 1,
    "Đặng": 2,
    "Bùi": 2,
    "Đỗ": 1.5,
    "Hồ": 1.5,
    "Ngô": 1.3,
    "Dương": 1,
    "Lý": 0.5,
    "Đinh": 1,
    "Trương": 1,
    "Đoàn": 0.7,
    "Lương": 0.5,
    "Mai": 0.5,
    "Cao": 0.5,
    "Hà": 0.5,
    "Lâm": 0.4,
    "Tạ": 0.3,
    "Châu": 0.3,
}
SOUTH_SWAP = {"Hoàng": 1, "Huỳnh": 4, "Vũ": 1, "Võ": 4}
MIDDLE_M = [
    "Văn",
    "Văn",
    "Văn",
    "Đức",
    "Minh",
    "Quốc",
    "Hữu",
    "Công",
    "Thanh",
    "Ngọc",
    "Xuân",
    "Đình",
    "Trọng",
    "Quang",
    "Anh",
    "Tiến",
]
MIDDLE_F = [
    "Thị",
    "Thị",
    "Thị",
    "Thị",
    "Ngọc",
    "Thanh",
    "Thu",
    "Minh",
    "Kim",
    "Mỹ",
    "Thùy",
    "Phương",
    "Hồng",
    "Bích",
    "Hoài",
]
GIVEN_M = [
    "Hùng",
    "Dũng",
    "Tuấn",
    "Minh",
    "Nam",
    "Quang",
    "Hải",
    "Sơn",
    "Long",
    "Thắng",
    "Cường",
    "Phúc",
    "Trung",
    "Hiếu",
    "Khoa",
    "Đạt",
    "Bình",
    "Toàn",
    "Vinh",
    "Hoàng",
    "Tùng",
    "Huy",
    "Thành",
    "Lâm",
    "Kiên",
    "Phong",
    "Tài",
    "Nghĩa",
    "Lộc",
    "Hưng",
    "Khánh",
    "Thịnh",
    "Duy",
    "Bảo",
    "Chiến",
    "Đông",
    "Tâm",
    "Việt",
]
GIVEN_F = [
    "Lan",
    "Hương",
    "Mai",
    "Hoa",
    "Linh",
    "Ngọc",
    "Trang",
    "Thảo",
    "Hà",
    "Hằng",
    "Nhung",
    "Yến",
    "Phương",
    "Thủy",
    "Hạnh",
    "Loan",
    "Vân",
    "Thu",
    "Trinh",
    "Diệp",
    "Quyên",
    "My",
    "Oanh",
    "Dung",
    "Liên",
    "Nga",
    "Hiền",
    "Tuyết",
    "Nhi",
    "Châu",
    "Huyền",
    "Giang",
    "Anh",
    "Thư",
    "Uyên",
]
# Ê Đê, M'nông and J'rai names of the Central Highlands: "Y" (men) or "H'" (women), name, clan.
HIGHLAND_GIVEN_M = [
    "Bhin",
    "Ngông",
    "Jút",
    "Khu",
    "Thuột",
    "Điêng",
    "Moan",
    "Biêr",
    "Yơn",
    "Kông",
    "Tlang",
    "Blô",
    "Suôn",
    "Wang",
    "Djôn",
    "Nuen",
    "Krin",
]
HIGHLAND_GIVEN_F = [
    "Hen",
    "Zen",
    "Yam",
    "Nga",
    "Linh",
    "Ruôn",
    "Bơ",
    "Nhi",
    "Loan",
    "Xiu",
    "Yơr",
    "Juel",
    "Dju",
    "Wer",
    "Lina",
]
HIGHLAND_CLANS = [
    "Niê",
    "Êban",
    "Mlô",
    "Ksơr",
    "Byă",
    "Adrơng",
    "Ayŭn",
    "Kbuôr",
    "Hwing",
    "Knul",
    "Niê Kdăm",
    "Buôn Yă",
    "Bkrông",
    "Rcăm",
    "Nay",
    "Siu",
]
# Family names of Thái, Tày, Nùng, H'Mông communities of the northern mountains.
NORTHERN_FAMILY = [
    "Lò",
    "Cầm",
    "Quàng",
    "Lường",
    "Tòng",
    "Hà",
    "Nông",
    "Hoàng",
    "Bế",
    "Đàm",
    "Ma",
    "Triệu",
    "Sùng",
    "Giàng",
    "Vàng",
    "Lầu",
]
HIGHLAND_SHARE = {"66": 0.18, "52": 0.14, "68": 0.10}
NORTHERN_SHARE = {"04": 0.35, "08": 0.3, "11": 0.35, "12": 0.4, "14": 0.35, "15": 0.25, "19": 0.15, "20": 0.35}
BORDER_PROVINCES = {
    "04",
    "08",
    "11",
    "12",
    "14",
    "15",
    "20",
    "22",
    "38",
    "40",
    "42",
    "44",
    "46",
    "48",
    "51",
    "52",
    "66",
    "68",
    "75",
    "80",
    "82",
    "91",
}


class DemoError(Exception):
    """Bad input to the demo builder (unknown province, bad seed, units not loaded)."""


def parse_seed(value) -> int:
    try:
        seed = int(str(value).strip())
    except ValueError:
        seed = -1
    if not 0 <= seed <= MAX_SEED:
        raise DemoError(
            _("Invalid seed “%(value)s”: use a whole number from 0 to %(max)s.") % {"value": value, "max": MAX_SEED}
        )
    return seed


def resolve_provinces(value) -> list:
    """Provinces named by a GSO code ("66", "01" or "1") or "all"; each must have its communes loaded."""
    text = str(value).strip().lower()
    if text == "all":
        provinces = list(Province.objects.order_by("code"))
        if not provinces:
            raise DemoError(_("No provinces are loaded yet: run “python manage.py load_units” first."))
    else:
        if not text.isdigit() or len(text) > 2:
            raise DemoError(
                _("Unknown province code “%(value)s”: use a GSO code such as 66 (Đắk Lắk), or “all”.")
                % {"value": value}
            )
        code = f"{int(text):02d}"
        province = Province.objects.filter(code=code).first()
        if province is None:
            if not Province.objects.exists():
                raise DemoError(_("No provinces are loaded yet: run “python manage.py load_units” first."))
            raise DemoError(
                _("Unknown province code “%(value)s”: use a GSO code such as 66 (Đắk Lắk), or “all”.")
                % {"value": value}
            )
        provinces = [province]
    with_communes = set(
        Unit.objects.filter(province__in=provinces, kind__in=COMMUNE_LEVEL_KINDS)
        .values_list("province_id", flat=True)
        .distinct()
    )
    missing = [p for p in provinces if p.pk not in with_communes]
    if missing:
        raise DemoError(
            _("%(province)s has no communes yet: run “python manage.py load_units” first.")
            % {"province": missing[0].name}
        )
    return provinces


def reference_data():
    """Create the national fields and position catalogue once (by code); return both by code."""
    fields = {f.code: f for f in Field.objects.filter(code__in=[c for c, *_rest in FIELDS])}
    new = [
        Field(code=code, name_vi=vi, name_en=en, is_specialised=spec, sort_order=(i + 1) * 10)
        for i, (code, vi, en, spec) in enumerate(FIELDS)
        if code not in fields
    ]
    Field.objects.bulk_create(new)
    fields = {f.code: f for f in Field.objects.filter(code__in=[c for c, *_rest in FIELDS])}
    specs = _position_specs()
    existing = set(Position.objects.filter(code__in=[s[0] for s in specs]).values_list("code", flat=True))
    Position.objects.bulk_create(
        [
            Position(
                code=code,
                name=name,
                group=group,
                field=fields[fcode],
                level=level,
                description=_position_description(name),
                competency=_position_competency(level),
            )
            for code, name, group, fcode, level, _leader in specs
            if code not in existing
        ]
    )
    positions = {p.code: p for p in Position.objects.filter(code__in=[s[0] for s in specs])}
    leaders = {s[0] for s in specs if s[5]}
    return fields, positions, leaders


def _label(field_code):
    vi = next(vi for code, vi, *_rest in FIELDS if code == field_code)
    return vi[0].lower() + vi[1:]


def _position_specs():
    specs = []
    for code in [*PROFESSIONAL_FIELDS, "party_mass"]:
        label = _label(code)
        specs += [
            (f"CM.{code}", f"Chuyên viên về {label}", _C if code == "office" else _S, code, "Chuyên viên", False),
            (f"CMC.{code}", f"Chuyên viên chính về {label}", _S, code, "Chuyên viên chính", False),
            (f"VC.{code}", f"Viên chức chuyên môn về {label}", _S, code, "Viên chức hạng III", False),
            (f"TP.{code}", f"Trưởng phòng {label}", _L, code, "Trưởng phòng", True),
            (f"PTP.{code}", f"Phó Trưởng phòng {label}", _L, code, "Phó Trưởng phòng", True),
        ]
    specs += SPECIAL_POSITIONS
    for abbr, name, main, _others, _size, head in DEPARTMENTS:
        generic = name.replace("{level}", "cấp tỉnh").replace("{party}", "Tỉnh ủy")
        specs += [
            (f"LD.{abbr}.1", f"{head} {generic}", _L, main, "Lãnh đạo cấp sở", True),
            (f"LD.{abbr}.2", f"Phó {head} {generic}", _L, main, "Lãnh đạo cấp sở", True),
        ]
    return specs


def _position_description(name):
    return f"Thực hiện nhiệm vụ của vị trí “{name}” theo danh mục vị trí việc làm."


def _position_competency(level):
    return f"Đáp ứng tiêu chuẩn ngạch, chức danh “{level}”; trình độ chuyên môn phù hợp với vị trí."


def _retirement_months(gender, day):
    """Statutory retirement age in months in ``day``'s year: 60y3m (men) / 55y4m (women) in 2021,
    rising 3 / 4 months a year to 62 (men) / 60 (women)."""
    years = max(0, day.year - 2021)
    if gender == Gender.MALE:
        return min(62 * 12, 60 * 12 + 3 + 3 * years)
    return min(60 * 12, 55 * 12 + 4 + 4 * years)


def _months_before(day, months):
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, 28))


@dataclass
class ProvinceStats:
    code: str
    name: str
    units: Counter = field(default_factory=Counter)
    staff: int = 0
    assignments: int = 0
    absences: int = 0
    quotas: int = 0
    movements: Counter = field(default_factory=Counter)
    seconds: float = 0.0


@dataclass(eq=False)
class _Person:
    """A person being generated: who they are and where they are placed now (``home_unit`` …), with
    the placements they had before (``changes``: (first day, placement, how it was recorded))."""

    staff_code: str
    full_name: str
    gender: str
    birth_date: date
    category: str
    position: Position
    field: Field
    major_field: Field
    qualification: str
    home_unit: Unit
    start_date: date
    is_leader: bool
    status: str = StaffStatus.ACTIVE
    end_date: date | None = None
    changes: list = field(default_factory=list)
    absences: list = field(default_factory=list)
    first: dict = field(default_factory=dict)
    pk: int | None = None

    def placement(self):
        return {
            "unit": self.home_unit,
            "field": self.field,
            "position": self.position,
            "category": self.category,
            "is_leader": self.is_leader,
        }

    def move(self, day, change, **values):
        """From ``day`` the person is placed with ``values`` (the earlier placement is kept)."""
        if not self.first:
            self.first = self.placement()
        for name, value in values.items():
            setattr(self, name, value)
        self.changes.append((day, self.placement(), change))


@transaction.atomic
def demo_seed(*, provinces, seed: int = 1, as_of: date | None = None) -> list:
    """Build demo data for ``provinces`` (replacing what an earlier run built); return stats.

    Everything runs in one transaction: bad data anywhere leaves the database as it was.
    """
    as_of = as_of or timezone.localdate()
    fields, positions, leaders = reference_data()
    stats = []
    for province in provinces:
        started = time.monotonic()
        _clear_province(province)
        rng = random.Random(f"bienche-demo:{seed}:{province.code}")
        builder = _ProvinceBuilder(province, rng, fields, positions, leaders, as_of)
        s = builder.build()
        s.seconds = time.monotonic() - started
        stats.append(s)
    return stats


def _raw_delete(queryset):
    # Seeded rows carry no history worth keeping; delete() would load every row to send signals
    # (simple_history writes a "deleted" record per row), far too slow at national scale.
    queryset._raw_delete(queryset.db)


def _clear_province(province):
    """Remove the province's staffing data: movements, plans, requests, staff, quotas and their history."""
    people = list(Staff.objects.filter(assignments__unit__province=province).values_list("pk", flat=True).distinct())
    movements = Secondment.objects.filter(
        Q(from_unit__province=province) | Q(to_unit__province=province) | Q(person_id__in=people)
    )
    Extension.objects.filter(secondment__in=movements).delete()
    _raw_delete(Secondment.history.filter(Q(from_unit__province=province) | Q(to_unit__province=province)))
    _raw_delete(movements)
    StaffRequest.objects.filter(commune__province=province).delete()
    _raw_delete(StaffRequest.history.filter(commune__province=province))
    for plan in Plan.objects.filter(province=province):
        plan.priority_fields.clear()
        plan.priority_communes.clear()
    _raw_delete(SendingQuota.objects.filter(plan__province=province))
    _raw_delete(SendingQuota.history.filter(plan__province=province))
    _raw_delete(Plan.objects.filter(province=province))
    _raw_delete(Plan.history.filter(province=province))
    for start in range(0, len(people), 5000):
        chunk = people[start : start + 5000]
        for model in (Absence, Assignment):
            _raw_delete(model.objects.filter(person_id__in=chunk))
            _raw_delete(model.history.filter(person_id__in=chunk))
        _raw_delete(Staff.objects.filter(pk__in=chunk))
        _raw_delete(Staff.history.filter(id__in=chunk))
    _raw_delete(Quota.objects.filter(unit__province=province))
    _raw_delete(Quota.history.filter(unit__province=province))


class _ProvinceBuilder:
    """Generates one province in memory, then writes it with a handful of bulk inserts."""

    def __init__(self, province, rng, fields, positions, leaders, as_of):
        self.province = province
        self.rng = rng
        self.fields = fields
        self.positions = positions
        self.leaders = leaders
        self.as_of = as_of
        self.stats = ProvinceStats(province.code, province.name)
        self.city = "thành phố" in province.division_type
        self.level = "thành phố" if self.city else "tỉnh"
        self.party = "Thành ủy" if self.city else "Tỉnh ủy"
        self.seq = 0
        self.agency_decision = f"{rng.randint(1100, 1180)}/QĐ-UBND"
        self.staff = []  # Staff instances, unsaved until _save_staff
        self.roster = defaultdict(list)  # (unit code, field code) -> staff on the roll
        self.need = {}  # (commune code, field code) -> planned shortage (for movements)
        self.spare = {}  # (commune code, field code) -> planned surplus
        south = province.code >= "46"
        weights = {**FAMILY, **(SOUTH_SWAP if south else {})}
        self.family_names, self.family_weights = list(weights), list(weights.values())
        self.highland = HIGHLAND_SHARE.get(province.code, 0.0)
        self.northern = NORTHERN_SHARE.get(province.code, 0.0)

    # --- units and quotas -------------------------------------------------------------------

    def build(self):
        communes = list(Unit.objects.filter(province=self.province, kind__in=COMMUNE_LEVEL_KINDS).order_by("code"))
        self._flag_communes(communes)
        agencies = self._agencies(len(communes))
        quotas = []
        for i, commune in enumerate(communes):
            quotas += self._commune(commune, i)
        for unit, spec in agencies:
            quotas += self._agency(unit, spec)
        Quota.objects.bulk_create(quotas, batch_size=BATCH)
        self.stats.quotas = len(quotas)
        self.stats.units.update(u.kind for u in communes)
        self.stats.units.update(u.kind for u, _spec in agencies)
        self._leavers()
        plan = self._plan(communes, agencies)
        movements = self._movements(communes, agencies, plan)
        self._history(movements)
        self._absences()
        self._save_staff()
        for m in movements:
            m.person_id = m.draft.pk
        Secondment.objects.bulk_create(movements, batch_size=BATCH)
        self._link_transfers(movements)
        self.stats.movements.update(m.status for m in movements)
        return self.stats

    def _flag_communes(self, communes):
        rng, border = self.rng, self.province.code in BORDER_PROVINCES
        for c in communes:
            if c.kind == UnitKind.SPECIAL_ZONE:
                c.is_disadvantaged, c.is_border = rng.random() < 0.5, False
            elif c.kind == UnitKind.COMMUNE:
                c.is_border = border and rng.random() < 0.08
                c.is_disadvantaged = c.is_border or rng.random() < 0.15
            else:
                c.is_disadvantaged = c.is_border = False
        Unit.objects.bulk_update(communes, ["is_disadvantaged", "is_border"], batch_size=BATCH)

    def _agencies(self, n_communes):
        """Create or update the province's departments and public service units (stable codes)."""
        code = self.province.code
        existing = {u.code: u for u in Unit.objects.filter(province=self.province, kind__in=PROVINCIAL_KINDS)}
        scale = max(0.6, min(1.4, (n_communes / 100) ** 0.5))
        wanted = []
        for spec in DEPARTMENTS:
            name = spec[1].format(level=self.level, party=self.party)
            wanted.append((f"{code}.{spec[0]}", name, UnitKind.DEPARTMENT, None, ("department", spec, scale)))
        for spec in PUBLIC_SERVICE_UNITS:
            name = spec[1].format(level=self.level)
            parent = f"{code}.{spec[2]}" if spec[2] else None
            wanted.append((f"{code}.{spec[0]}", name, UnitKind.PUBLIC_SERVICE_UNIT, parent, ("psu", spec, scale)))
        agencies = []
        for unit_code, name, kind, parent_code, spec in wanted:
            unit = existing.get(unit_code) or Unit(code=unit_code, province=self.province)
            unit.name, unit.kind, unit.search_text = name, kind, normalize_search(name)
            unit.parent = existing.get(parent_code) if parent_code else None
            unit.is_active, unit.is_disadvantaged, unit.is_border = True, False, False
            unit.save()
            existing[unit_code] = unit
            agencies.append((unit, spec))
        return agencies

    def _quota(self, unit, field_code, category, count, number, decided, effective=REFORM_DATE):
        return Quota(
            unit=unit,
            field=self.fields[field_code],
            category=category,
            count=count,
            decision_number=number,
            decision_date=decided,
            effective_from=effective,
        )

    def _commune(self, commune, index):
        rng = self.rng
        size = KIND_SIZE[commune.kind]
        decided = date(2025, 6, 20) + timedelta(days=rng.randint(0, 10))
        number = f"{1200 + index * 2}/QĐ-UBND"
        cadre_number = f"{1201 + index * 2}/QĐ-UBND"
        quota = {f: round(rng.randint(*r) * size) for f, r in COMMUNE_QUOTA.items()}
        cadres = {f: rng.randint(*r) for f, r in CADRE_QUOTA.items()}
        weights = (50, 25, 8, 17) if commune.is_disadvantaged else (33, 25, 22, 20)
        profile = rng.choices(["short", "mixed", "surplus", "balanced"], weights)[0]
        delta = Counter()
        if profile in ("short", "mixed"):
            candidates = [f for f in SHORT_FIELDS if quota[f] > 0]
            for f in rng.sample(candidates, min(len(candidates), rng.randint(3, 5))):
                delta[f] -= rng.randint(1, min(quota[f], 4 if commune.kind == UnitKind.WARD else 3))
        if profile in ("surplus", "mixed"):
            for f in rng.sample(SURPLUS_FIELDS, rng.randint(2, 3)):
                delta[f] += rng.randint(1, 3)
        if profile == "balanced" and rng.random() < 0.5:
            delta[rng.choice(PROFESSIONAL_FIELDS)] += rng.choice((-1, 1))
        rows = []
        for f, q in quota.items():
            if q:
                rows.append(self._quota(commune, f, Category.CIVIL_SERVANT, q, number, decided))
            n = max(0, q + delta[f])
            self._commune_roster(commune, f, Category.CIVIL_SERVANT, n)
            if n < q:
                self.need[(commune.code, f)] = q - n
            elif n > q:
                self.spare[(commune.code, f)] = n - q
                # Merged communes kept people beyond the quota, some trained for the fields in shortage.
                for person in self.roster[(commune.code, f)][q:]:
                    if rng.random() < 0.45:
                        person.major_field = self.fields[rng.choice(SHORT_FIELDS)]
        for f, q in cadres.items():
            rows.append(self._quota(commune, f, Category.CADRE, q, cadre_number, decided))
            self._commune_roster(commune, f, Category.CADRE, q - (rng.random() < 0.15))
        # A few communes get a later decision raising the land or IT quota from 2026.
        if rng.random() < 0.06:
            f = rng.choice(("land", "it"))
            later = date(2025, 12, 10) + timedelta(days=rng.randint(0, 10))
            rows.append(
                self._quota(
                    commune, f, Category.CIVIL_SERVANT, quota[f] + 1, f"{3100 + index}/QĐ-UBND", later, date(2026, 1, 1)
                )
            )
        return rows

    def _commune_roster(self, commune, f, category, n):
        slots = CADRE_SLOTS.get(f) or COMMUNE_LEAD_SLOTS.get(f, [])
        if f == "agri_env" and commune.kind != UnitKind.COMMUNE:
            slots = []
        if f == "construction" and commune.kind != UnitKind.COMMUNE:
            slots = ["XA.TPKTHT"]
        for i in range(n):
            code = slots[i % len(slots)] if f in CADRE_SLOTS else (slots[i] if i < len(slots) else None)
            # Leadership posts are left vacant for months in many merged communes.
            if code and code in self.leaders and f not in CADRE_SLOTS and self.rng.random() < 0.2:
                code = None
            self._person(commune, f, category, code or f"CM.{f}")

    def _agency(self, unit, spec):
        rng = self.rng
        role, s, scale = spec
        rows = []
        decided, number = date(2025, 6, 26), self.agency_decision
        if role == "department":
            abbr, _name, main, others, size, _head = s
            size = round(size * scale)
            shares = {main: 0.62}
            for f in others:
                shares[f] = shares.get(f, 0) + 0.3 / len(others)
            shares["accounting"] = shares.get("accounting", 0) + 0.04
            shares["it"] = shares.get("it", 0) + 0.04
            for f, share in shares.items():
                q = max(1, round(size * share))
                rows.append(self._quota(unit, f, Category.CIVIL_SERVANT, q, number, decided))
                # Departments run a few posts below their quota.
                n = q - rng.randint(0, max(1, q // 10))
                titles = [f"LD.{abbr}.1", f"LD.{abbr}.2", f"LD.{abbr}.2"] if f == main else []
                titles += [f"TP.{f}"] * max(1 if n >= 5 else 0, n // 14) + [f"PTP.{f}"] * (n // 10)
                titles += {"office": ["CH.VT", "CH.LT"], "accounting": ["CH.KT", "CH.TQ"]}.get(f, [])
                for i in range(n):
                    code = titles[i] if i < len(titles) else (f"CMC.{f}" if rng.random() < 0.3 else f"CM.{f}")
                    self._person(unit, f, Category.CIVIL_SERVANT, code)
            contracts = rng.randint(2, 4)
            rows.append(self._quota(unit, "office", Category.CONTRACT, contracts, number, decided))
            for _i in range(contracts):
                self._person(unit, "office", Category.CONTRACT, rng.choice(("HT.LX", "HT.BV", "HT.PV")))
        else:
            _abbr, _name, _parent, main, size = s
            size = round(size * scale)
            shares = Counter({main: 0.85})
            shares.update({"office": 0.09, "accounting": 0.06})
            for f, share in shares.items():
                q = max(1, round(size * share))
                rows.append(self._quota(unit, f, Category.PUBLIC_EMPLOYEE, q, number, decided))
                n = q - rng.randint(0, max(1, q // 8))
                titles = [f"TP.{f}", f"PTP.{f}"] if f == main else (["CH.KT"] if f == "accounting" else [])
                for i in range(n):
                    self._person(unit, f, Category.PUBLIC_EMPLOYEE, titles[i] if i < len(titles) else f"VC.{f}")
        return rows

    # --- people -----------------------------------------------------------------------------

    def _name(self, gender):
        rng, female = self.rng, gender == Gender.FEMALE
        roll = rng.random()
        if roll < self.highland:
            given = rng.choice(HIGHLAND_GIVEN_F if female else HIGHLAND_GIVEN_M)
            return f"H'{given} {rng.choice(HIGHLAND_CLANS)}" if female else f"Y {given} {rng.choice(HIGHLAND_CLANS)}"
        if roll < self.highland + self.northern:
            family = rng.choice(NORTHERN_FAMILY)
        else:
            family = rng.choices(self.family_names, self.family_weights)[0]
        middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
        if female and middle == "Thị" and rng.random() < 0.2:
            middle += " " + rng.choice(MIDDLE_F[4:])
        return f"{family} {middle} {rng.choice(GIVEN_F if female else GIVEN_M)}"

    def _person(self, unit, field_code, category, position_code):
        rng, as_of = self.rng, self.as_of
        leader = position_code in self.leaders
        female_share = 0.3 if leader or category == Category.CADRE else 0.52
        gender = Gender.FEMALE if rng.random() < female_share else Gender.MALE
        # Age spread of the civil service; some men near 61, some women near 56, retiring soon.
        low, high = rng.choices([(23, 30), (30, 40), (40, 50), (50, 56), (56, 61)], (16, 34, 28, 15, 7))[0]
        if leader:
            low, high = max(low, 35), max(high, 45)
        if gender == Gender.FEMALE:
            high = min(high, 56)
            low = min(low, high - 1)
        birth = as_of - timedelta(days=rng.randint(int(low * 365.25), int(high * 365.25)))
        start = birth + timedelta(days=rng.randint(22 * 365, 27 * 365))
        if start >= as_of:
            start = as_of - timedelta(days=rng.randint(30, 400))
        major = field_code
        if rng.random() < 0.12:
            major = rng.choice([f for f in PROFESSIONAL_FIELDS if f != field_code])
        qualification = rng.choices(
            [
                Qualification.BACHELOR,
                Qualification.MASTER,
                Qualification.VOCATIONAL,
                Qualification.UPPER_SECONDARY,
                Qualification.DOCTOR,
            ],
            (
                70,
                16 if leader else 10,
                12 if category == Category.CONTRACT else 6,
                3 if category == Category.CONTRACT else 1,
                1 if leader else 0,
            ),
        )[0]
        self.seq += 1
        code = f"{self.province.code}-{self.seq:06d}"
        name = self._name(gender)
        person = _Person(
            staff_code=code,
            full_name=name,
            gender=gender,
            birth_date=birth,
            category=category,
            position=self.positions[position_code],
            field=self.fields[field_code],
            major_field=self.fields[major],
            qualification=qualification,
            home_unit=unit,
            start_date=start,
            is_leader=leader,
        )
        self.staff.append(person)
        self.roster[(unit.code, field_code)].append(person)
        return person

    def _leavers(self):
        """A few people who left the roll since the reform (retired or resigned), on top of the headcount."""
        rng, as_of = self.rng, self.as_of
        units = {p.home_unit.code: p.home_unit for p in self.staff}
        keys = sorted(self.roster)
        for _i in range(max(1, len(self.staff) // 80)):
            unit_code, f = rng.choice(keys)
            model = self.roster[(unit_code, f)][0]
            code = model.position.code
            if code in self.leaders and f"CM.{f}" in self.positions:
                code = f"CM.{f}"
            person = self._person(units[unit_code], f, model.category, code)
            self.roster[(unit_code, f)].pop()
            first = max(REFORM_DATE, person.start_date)
            span = max(0, (as_of - timedelta(days=1) - first).days)
            person.end_date = first + timedelta(days=rng.randint(0, span))
            person.is_leader = False
            person.status = StaffStatus.RESIGNED
            if rng.random() < 0.5:
                # Retired on reaching the statutory age of the year (DESIGN §4, retirement forecast).
                person.status = StaffStatus.RETIRED
                person.birth_date = _months_before(person.end_date, _retirement_months(person.gender, person.end_date))
                person.start_date = person.birth_date + timedelta(days=rng.randint(22 * 365, 27 * 365))

    def _history(self, movements):
        """Changes of post since the reform for some people who did not move: promotions to a
        leadership post, a senior grade, and a few corrections of a wrongly recorded field."""
        rng, as_of = self.rng, self.as_of
        moving = {id(m.draft) for m in movements if m.status != Status.CANCELLED}
        span = (as_of - REFORM_DATE).days - 30
        if span < 30:
            return
        for person in self.staff:
            if id(person) in moving or person.status != StaffStatus.ACTIVE or person.start_date >= REFORM_DATE:
                continue
            roll = rng.random()
            if roll >= 0.07:
                continue
            day = REFORM_DATE + timedelta(days=rng.randint(30, span))
            f = person.field.code
            if roll < 0.02 and not person.is_leader and f"PTP.{f}" in self.positions:
                person.move(day, PlacementChange.CHANGE, position=self.positions[f"PTP.{f}"], is_leader=True)
            elif roll < 0.06 and person.position.code == f"CM.{f}" and f"CMC.{f}" in self.positions:
                person.move(day, PlacementChange.CHANGE, position=self.positions[f"CMC.{f}"])
            elif person.home_unit.kind in COMMUNE_LEVEL_KINDS and person.major_field.code != f:
                major = person.major_field.code
                if f"CM.{major}" in self.positions:
                    # Recorded in the wrong field at the merger; corrected from the day it took effect.
                    person.move(
                        day,
                        PlacementChange.CORRECTION,
                        field=person.major_field,
                        position=self.positions[f"CM.{major}"],
                    )

    def _absences(self):
        """Absences of about one person in twenty: under way today, over, or coming."""
        rng, as_of = self.rng, self.as_of
        for person in self.staff:
            if person.status != StaffStatus.ACTIVE or rng.random() >= 0.05:
                continue
            age = (as_of - person.birth_date).days // 365
            if person.gender == Gender.FEMALE and age < 40 and rng.random() < 0.6:
                kind, days = AbsenceKind.MATERNITY, 182
            elif person.gender == Gender.MALE and age < 27 and rng.random() < 0.5:
                kind, days = AbsenceKind.MILITARY, 730
            else:
                kind, days = rng.choices(
                    [
                        (AbsenceKind.STUDY, rng.randint(60, 365)),
                        (AbsenceKind.SICK_LEAVE, rng.randint(30, 180)),
                        (AbsenceKind.UNPAID, rng.randint(30, 90)),
                        (AbsenceKind.SUSPENSION, rng.randint(15, 90)),
                    ],
                    (45, 35, 15, 5),
                )[0]
            when = rng.choices(("now", "past", "coming"), (60, 25, 15))[0]
            if when == "now":
                start = as_of - timedelta(days=rng.randint(0, days - 1))
            elif when == "past":
                start = as_of - timedelta(days=days + rng.randint(1, 200))
            else:
                start = as_of + timedelta(days=rng.randint(1, 60))
            first = max(person.start_date, REFORM_DATE)
            if start < first:
                continue
            end = start + timedelta(days=days - 1)
            decided = start - timedelta(days=rng.randint(3, 20))
            person.absences.append(
                Absence(
                    kind=kind,
                    start_date=start,
                    end_date=end,
                    decision_number=f"{rng.randint(100, 990)}/QĐ-UBND",
                    decision_date=decided,
                )
            )

    def _save_staff(self):
        staff = [
            Staff(
                staff_code=p.staff_code,
                full_name=p.full_name,
                gender=p.gender,
                birth_date=p.birth_date,
                major_field=p.major_field,
                qualification=p.qualification,
                status=p.status,
                start_date=p.start_date,
                end_date=p.end_date,
            ).fill_derived()
            for p in self.staff
        ]
        Staff.objects.bulk_create(staff, batch_size=BATCH)
        assignments, absences = [], []
        for person, saved in zip(self.staff, staff, strict=True):
            person.pk = saved.pk
            periods = [(person.start_date, person.first or person.placement(), PlacementChange.HIRE)]
            periods += person.changes
            for i, (day, placement, change) in enumerate(periods):
                last = periods[i + 1][0] - timedelta(days=1) if i + 1 < len(periods) else person.end_date
                assignments.append(
                    Assignment(
                        person_id=saved.pk,
                        valid_from=day,
                        valid_to=last,
                        change=change,
                        reason="Sửa lĩnh vực ghi sai khi sắp xếp đơn vị"
                        if change == PlacementChange.CORRECTION
                        else "",
                        **placement,
                    )
                )
            for absence in person.absences:
                absence.person_id = saved.pk
                absences.append(absence)
        Assignment.objects.bulk_create(assignments, batch_size=BATCH)
        Absence.objects.bulk_create(absences, batch_size=BATCH)
        self.stats.staff = len(staff)
        self.stats.assignments = len(assignments)
        self.stats.absences = len(absences)

    def _link_transfers(self, movements):
        """Each applied transfer (approved ones are applied ahead, from their start) points at the
        placement it opened."""
        applied = [m for m in movements if m.kind == Kind.TRANSFER and m.status in APPLIED_TRANSFER]
        if not applied:
            return
        opened = {
            (a.person_id, a.valid_from): a.pk
            for a in Assignment.objects.filter(
                person_id__in=[m.person_id for m in applied], change=PlacementChange.TRANSFER
            )
        }
        for m in applied:
            m.assignment_id = opened[(m.person_id, m.start_date)]
        Secondment.objects.bulk_update(applied, ["assignment"], batch_size=BATCH)

    # --- plan and movements -----------------------------------------------------------------

    def _plan(self, communes, agencies):
        as_of = self.as_of
        plan = Plan.objects.create(
            province=self.province,
            name="Kế hoạch tăng cường công chức về cấp xã năm 2025",
            decision_number=f"{self.rng.randint(180, 260)}/KH-UBND",
            decision_date=date(2025, 7, 10),
            issuing_body=f"Ủy ban nhân dân {self.province.name[0].lower()}{self.province.name[1:]}",
            period_start=EARLIEST_MOVEMENT,
            period_end=max(date(2027, 12, 31), as_of + timedelta(days=120)),
            min_duration_days=7,
            max_duration_days=1095,
            note="Biệt phái, tăng cường công chức, viên chức từ các sở, ban, ngành và đơn vị sự nghiệp về các xã, "
            "phường thiếu công chức chuyên môn; điều động từ xã thừa sang xã thiếu.",
        )
        plan.priority_fields.set([self.fields[f] for f in PRIORITY_FIELDS])
        plan.priority_communes.set([c for c in communes if c.is_disadvantaged or c.is_border])
        quotas = []
        for unit, (role, _spec, _scale) in agencies:
            if role != "department":
                continue
            active = len([p for f in PROFESSIONAL_FIELDS + list(CADRE_FIELDS) for p in self.roster[(unit.code, f)]])
            if active >= 60:
                quotas.append(SendingQuota(plan=plan, unit=unit, rule=QuotaRule.PERCENT, min_percent=5, max_percent=7))
            else:
                quotas.append(SendingQuota(plan=plan, unit=unit, rule=QuotaRule.FIXED, count=max(2, active // 12)))
        SendingQuota.objects.bulk_create(quotas)
        return plan

    def _movements(self, communes, agencies, plan):
        rng = self.rng
        by_code = {c.code: c for c in communes}
        active_staff = [p for p in self.staff if p.status == StaffStatus.ACTIVE]
        target = round(len(active_staff) * 0.11)
        used = set()

        def pool(units, fields, leaders=False):
            people = [
                p
                for u in units
                for f in fields
                for p in self.roster[(u.code, f)]
                # Only people on the roll before the reform, so no movement predates their joining.
                if p.is_leader == leaders and p.status == StaffStatus.ACTIVE and p.start_date < REFORM_DATE
            ]
            rng.shuffle(people)
            return people

        provincial = {f: pool([u for u, _s in agencies], [f]) for f in PROFESSIONAL_FIELDS}
        need = dict(sorted(self.need.items()))
        need_by_field = defaultdict(list)
        for (c, f), n in need.items():
            need_by_field[f] += [c] * n
        for f in need_by_field:
            rng.shuffle(need_by_field[f])
        spare = {k: pool([by_code[k[0]]], [k[1]])[:n] for k, n in sorted(self.spare.items())}
        spare_keys = [k for k, people in spare.items() if people]
        leaders = pool(communes + [u for u, _s in agencies], PROFESSIONAL_FIELDS, leaders=True)

        picks = []  # (kind, person, to_unit, field code, under the plan)
        n_provincial, n_transfer, n_rotation = round(target * 0.45), round(target * 0.2), round(target * 0.08)
        shortage_pairs = sorted(need)
        for _i in range(n_provincial * 3):
            if len(picks) >= n_provincial or not shortage_pairs:
                break
            c, f = rng.choice(shortage_pairs)
            if not provincial.get(f):
                continue
            person = provincial[f].pop()
            kind = Kind.REINFORCEMENT if rng.random() < 0.6 else Kind.SECONDMENT
            picks.append((kind, person, by_code[c], f, True))
        transfers = 0
        for _i in range(n_transfer * 4):
            if transfers >= n_transfer or not spare_keys:
                break
            key = rng.choice(spare_keys)
            if not spare[key]:
                continue
            person = spare[key][-1]
            targets = [f for f in (person.major_field.code, key[1]) if need_by_field.get(f)]
            destinations = [(c, f) for f in targets for c in need_by_field[f][:3] if c != key[0]]
            if not destinations:
                continue
            c, f = destinations[0]
            need_by_field[f].remove(c)
            spare[key].pop()
            picks.append((Kind.TRANSFER, person, by_code[c], f, True))
            transfers += 1
        for person in leaders[:n_rotation]:
            choices = [c for c in communes if c.code != person.home_unit.code]
            picks.append((Kind.ROTATION, person, rng.choice(choices), person.field.code, True))
        # Communes lend people beyond their quota to neighbours short in the person's trained field.
        rng.shuffle(spare_keys)
        for key in spare_keys:
            for person in list(spare[key]):
                if len(picks) >= target:
                    break
                f = person.major_field.code
                c = next((c for c in need_by_field.get(f, ()) if c != key[0]), None)
                if c is not None:
                    need_by_field[f].remove(c)
                    picks.append((Kind.SECONDMENT, person, by_code[c], f, False))

        movements = []
        for kind, person, to_unit, f, in_plan in picks:
            if id(person) in used:
                continue
            used.add(id(person))
            movements.append(self._movement(kind, person, to_unit, f, plan if in_plan else None))
        # Departments rotate people: after one reinforcement ends, some are sent again.
        short_communes = defaultdict(list)
        for c, f in shortage_pairs:
            short_communes[f].append(by_code[c])
        queue = [
            m
            for m in movements
            if m.status == Status.COMPLETED and m.kind != Kind.TRANSFER and m.from_unit.kind in PROVINCIAL_KINDS
        ]
        while queue:
            m = queue.pop(0)
            if rng.random() < 0.8 and short_communes.get(m.field.code):
                follow = self._follow_up(m, rng.choice(short_communes[m.field.code]))
                if follow is not None:
                    movements.append(follow)
                    if follow.status == Status.COMPLETED:
                        queue.append(follow)
        self._number_decisions(movements)
        return movements

    def _follow_up(self, previous, to_unit):
        """A new reinforcement of the same person, starting after the previous one ended."""
        rng, today = self.rng, self.as_of
        start = previous.actual_end_date + timedelta(days=rng.randint(7, 60))
        if start > today + timedelta(days=60):
            return None
        duration = rng.choice((rng.randint(7, 14), rng.randint(90, 183)))
        end = start + timedelta(days=duration - 1)
        if start > today:
            status = rng.choice((Status.APPROVED, Status.PROPOSED, Status.DRAFT))
        else:
            status = Status.COMPLETED if end < today else Status.ACTIVE
        decision_date = None
        if status in DECIDED_STATUSES:
            decision_date = max(previous.actual_end_date, min(today, start - timedelta(days=rng.randint(3, 15))))
        follow = Secondment(
            kind=Kind.REINFORCEMENT,
            from_unit=previous.from_unit,
            to_unit=to_unit,
            field=previous.field,
            plan=previous.plan,
            start_date=start,
            planned_end_date=end,
            actual_end_date=end if status == Status.COMPLETED else None,
            status=status,
            decision_date=decision_date,
            arrival_date=start if status in (Status.ACTIVE, Status.COMPLETED) else None,
        )
        follow.draft = previous.draft  # the person is saved later; person_id is set then
        return follow

    def _movement(self, kind, person, to_unit, field_code, plan):
        rng, today = self.rng, self.as_of
        status = rng.choices(
            [Status.DRAFT, Status.PROPOSED, Status.APPROVED, Status.ACTIVE, Status.COMPLETED, Status.CANCELLED],
            (7, 12, 12, 38, 23, 8),
        )[0]
        if kind == Kind.TRANSFER and status == Status.ACTIVE:
            status = Status.COMPLETED  # a transfer is applied, and so completed, once it starts
        if kind == Kind.ROTATION:
            duration = rng.randint(365, 1095)
        elif kind == Kind.TRANSFER:
            duration = None
        else:
            lo, hi = rng.choices([(7, 14), (90, 183), (90, 365), (366, 1095)], (10, 40, 35, 15))[0]
            duration = rng.randint(lo, hi)
        span = max(1, (today - EARLIEST_MOVEMENT).days)
        actual_end = None
        decided = status in DECIDED_STATUSES
        if status == Status.COMPLETED:
            if duration is None:
                start = EARLIEST_MOVEMENT + timedelta(days=rng.randint(0, span - 1))
            else:
                duration = min(duration, span)
                start = EARLIEST_MOVEMENT + timedelta(days=rng.randint(0, span - duration))
                early = rng.random() < 0.1 and duration > 14
                actual_end = start + timedelta(
                    days=(rng.randint(duration // 2, duration - 1) if early else duration - 1)
                )
        elif status == Status.ACTIVE:
            roll = rng.random()
            if roll < 0.07:  # overdue: past its end, not yet closed
                end = today - timedelta(days=rng.randint(1, 20))
            elif roll < 0.22:  # ends within 30 days
                end = today + timedelta(days=rng.randint(0, 30))
            else:
                end = today + timedelta(days=rng.randint(31, duration + 30))
            start = max(EARLIEST_MOVEMENT, min(today, end - timedelta(days=duration - 1)))
            duration = (end - start).days + 1
        elif status == Status.APPROVED:
            start = today + timedelta(days=rng.randint(1, 60))
        elif status == Status.CANCELLED:
            start = EARLIEST_MOVEMENT + timedelta(days=rng.randint(0, span + 60))
            decided = rng.random() < 0.4
        else:
            start = today + timedelta(days=rng.randint(7, 90))
        planned_end = None if duration is None else start + timedelta(days=duration - 1)
        decision_date = None
        if decided:
            decision_date = min(today, start - timedelta(days=rng.randint(3, 15)))
            decision_date = max(decision_date, date(2025, 7, 10))
        from_unit = person.home_unit
        if kind == Kind.TRANSFER and status in APPLIED_TRANSFER:
            # The transfer is applied (an approved one ahead, as approval does): from its start the
            # person belongs to the receiving unit, in its field.
            person.move(
                start,
                PlacementChange.TRANSFER,
                home_unit=to_unit,
                field=self.fields[field_code],
                position=self.positions[f"CM.{field_code}"],
                is_leader=False,
            )
        m = Secondment(
            kind=kind,
            from_unit=from_unit,
            to_unit=to_unit,
            field=self.fields[field_code],
            plan=plan,
            start_date=start,
            planned_end_date=planned_end,
            actual_end_date=actual_end,
            status=status,
            decision_date=decision_date,
            arrival_date=start if status in (Status.ACTIVE, Status.COMPLETED) else None,
        )
        m.draft = person  # the person is saved later; person_id is set then
        return m

    def _number_decisions(self, movements):
        """Number decisions in date order, one series per year and issuer, as a registry would."""
        counters = defaultdict(lambda: self.rng.randint(1300, 1600))
        decided = sorted((m for m in movements if m.decision_date), key=lambda m: (m.decision_date, m.start_date))
        for m in decided:
            issuer = "QĐ-SNV" if m.plan is None or m.kind == Kind.TRANSFER else "QĐ-UBND"
            key = (m.decision_date.year, issuer)
            counters[key] += self.rng.randint(1, 4)
            m.decision_number = f"{counters[key]}/{issuer}"
