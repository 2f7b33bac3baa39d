import unicodedata

# Đ/đ is a separate letter, not D with a combining mark, so NFKD alone keeps it.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def normalize_search(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and fold spaces: "Nguyễn  Văn" -> "nguyen van"."""
    if not text:
        return ""
    text = text.translate(_EXTRA)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


# Django date-format characters that strftime writes the same way.
_STRFTIME = {"d": "%d", "m": "%m", "Y": "%Y", "y": "%y", "H": "%H", "i": "%M", "s": "%S"}


def short_date_formatter(empty="—"):
    """A function writing a date in the active language's SHORT_DATE_FORMAT (``empty`` for none).

    Long lists format hundreds of dates: a format made only of the characters above ("d/m/Y" in
    both languages) goes straight to strftime; any other falls back to Django's formatter.
    """
    from django.utils.formats import date_format, get_format

    fmt = get_format("SHORT_DATE_FORMAT")
    if all(ch in _STRFTIME or not ch.isalpha() and ch not in "\\%" for ch in fmt):
        pattern = "".join(_STRFTIME.get(ch, ch) for ch in fmt)
        return lambda value: value.strftime(pattern) if value else empty
    return lambda value: date_format(value, "SHORT_DATE_FORMAT") if value else empty
