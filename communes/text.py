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
