"""Builders for the workbooks the import tests upload, friendly and hostile, made in memory.

Nothing here is a binary blob: each file is built from a few lines of code, so a reader sees
exactly what makes it hostile.
"""

import io
import struct
import zipfile
from datetime import date

from openpyxl import Workbook

from staffing.importer import ABSENCE_COLUMNS, QUOTA_COLUMNS, STAFF_COLUMNS  # noqa: F401 (ABSENCE_COLUMNS for tests)

STAFF_HEADERS = [c.vi for c in STAFF_COLUMNS]
QUOTA_HEADERS = [c.vi for c in QUOTA_COLUMNS]


def xlsx(sheets, *, title_rows=()):
    """An xlsx with ``{sheet name: [row, ...]}``; strings are written as text, never formulas.

    ``title_rows`` are written above each sheet's rows (like the official header block).
    """
    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in [*title_rows, *rows]:
            ws.append([_text_cell(ws, v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text_cell(ws, value):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    if isinstance(value, date):
        cell.number_format = "dd/mm/yyyy"
    return cell


def staff_row(
    unit_code,
    code,
    name,
    *,
    gender="male",
    birth=date(1990, 1, 15),
    category="civil_servant",
    position="",
    field="land",
    major="",
    qualification="bachelor",
    status="",
    start="",
    end="",
):
    return [unit_code, code, name, gender, birth, category, position, field, major, qualification, status, start, end]


def quota_row(
    unit_code,
    field,
    count,
    *,
    category="civil_servant",
    number="12/QĐ-UBND",
    decided=date(2025, 7, 1),
    effective=date(2025, 7, 1),
):
    return [unit_code, field, category, count, number, decided, effective]


def roster_workbook(rows, *, headers=STAFF_HEADERS, sheet="Danh sách", title_rows=()):
    return xlsx({sheet: [headers, *rows]}, title_rows=title_rows)


def quota_workbook(rows, *, headers=QUOTA_HEADERS, sheet="Biên chế", title_rows=()):
    return xlsx({sheet: [headers, *rows]}, title_rows=title_rows)


# Files that are not a usable xlsx at all.


def _cfb(directory_names=()):
    """A minimal Compound File Binary container (the OLE format of .xls and of encrypted xlsx).

    Header sector with the CFB signature, then one directory sector naming the streams. Excel
    saves a password-protected xlsx as such a container holding "EncryptionInfo" and
    "EncryptedPackage" streams.
    """
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[24:26] = struct.pack("<H", 0x3E)  # minor version
    header[26:28] = struct.pack("<H", 3)  # major version 3: 512-byte sectors
    header[28:30] = struct.pack("<H", 0xFFFE)  # little-endian
    header[30:32] = struct.pack("<H", 9)  # sector shift
    header[32:34] = struct.pack("<H", 6)  # mini sector shift
    header[48:52] = struct.pack("<I", 0)  # first directory sector
    directory = bytearray()
    for name in ["Root Entry", *directory_names]:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[0 : len(encoded)] = encoded
        entry[64:66] = struct.pack("<H", len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(512 - len(directory) % 512)
    return bytes(header) + bytes(directory)


def legacy_xls():
    return _cfb(["Workbook", "\x05SummaryInformation"])


def password_protected():
    return _cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"])


def csv_renamed():
    return "Mã cán bộ,Họ và tên\nNV1,Nguyễn Văn A\n".encode()


def png_image():
    return bytes.fromhex("89504E470D0A1A0A0000000D4948445200000001000000010806000000") + bytes(64)


def corrupt_zip():
    """A real workbook cut in half: the zip's central directory is gone."""
    whole = roster_workbook([staff_row("", "NV1", "Nguyễn Văn A")])
    return whole[: len(whole) // 2]


def not_a_workbook_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


def oversize(limit):
    """Starts like an xlsx, but is bigger than the upload limit."""
    return b"PK\x03\x04" + bytes(limit + 1)


def zip_bomb(inflated=300 * 1024 * 1024):
    """A ~300 KB xlsx whose sheet inflates to ~``inflated`` bytes of highly compressible XML."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        # One cell holding a single letter repeated: deflate packs it about 1,000 to 1.
        chunk = b"A" * (1024 * 1024)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(b'<?xml version="1.0"?><worksheet><sheetData><row><c t="inlineStr"><is><t>')
            written = 0
            while written < inflated:
                sheet.write(chunk)
                written += len(chunk)
            sheet.write(b"</t></is></c></row></sheetData></worksheet>")
    return buf.getvalue()


def too_many_rows(n, unit_code="", field="land"):
    return quota_workbook([quota_row(unit_code, field, 1, number=f"{i}/QĐ") for i in range(n)])
