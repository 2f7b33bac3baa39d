import re
import unicodedata

# Đ/đ is a separate letter, not D with a combining mark, so NFKD alone keeps it.
_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})
# Typographic apostrophes and accents typed for one: "Ea H’Leo" is searched as "Ea H'Leo".
APOSTROPHES = "\u2019\u2018\u02bc\u0060\u00b4\u2032\u02b9"
_APOSTROPHES = str.maketrans(dict.fromkeys(APOSTROPHES, "'"))


def normalize_search(text: str) -> str:
    """Lower-case, strip Vietnamese diacritics and fold spaces: "Nguyễn  Văn" -> "nguyen van".

    Apostrophes of every kind become the plain one (’ ‘ ʼ ` ´ → '), so names of the Central
    Highlands such as "Ea H’Leo" are found however the apostrophe was typed.
    """
    if not text:
        return ""
    text = text.translate(_EXTRA).translate(_APOSTROPHES)
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


# --- Vietnamese alphabetical order ----------------------------------------------------------------
#
# The alphabet is a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y (f, j, w, z, found in
# names of other origins, take their Latin places). Words are compared syllable by syllable, as
# Vietnamese dictionaries order their headwords (Hoàng Phê, Từ điển tiếng Việt): first by letters,
# then, for the same letters, by tone in the order ngang (none), huyền, hỏi, ngã, sắc, nặng —
# ba, bà, bả, bã, bá, bạ, bác; and "ba lô" before "bà ba". Numbers inside a name sort by value
# (Phường 2 before Phường 10) and before letters; case, punctuation and apostrophes are ignored.
#
# The key is a string of two-character tokens made of 0-9 and a-z only, so that plain binary
# comparison (SQLite, PostgreSQL's C collation) and a language collation such as en_US.UTF-8 give
# the same order.

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_MODIFIERS = {"\u0306": "\u0306", "\u0302": "\u0302", "\u031b": "\u031b"}  # breve, circumflex, horn
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # huyền hỏi ngã sắc nặng
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def _token(n: int) -> str:
    return _DIGITS36[n // 36] + _DIGITS36[n % 36]


_END = _token(0)  # end of a word: before any letter, so "ba" sorts before "bac"
_TONE = [_token(1 + t) for t in range(6)]  # after the letters of a word, before its end
_LENGTH = [_token(7 + n) for n in range(10)]  # a number: its length, then its digits
_DIGIT = {str(d): _token(17 + d) for d in range(10)}
_LETTER = {ch: _token(30 + i) for i, ch in enumerate(ALPHABET)}
_WORD = re.compile(r"[^\W_]+")


def _letters_and_tone(word: str):
    letters, tone = [], 0
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            tone = _TONES[ch]
        elif ch in _MODIFIERS and letters:
            composed = unicodedata.normalize("NFC", letters[-1] + ch)
            if composed in _LETTER:
                letters[-1] = composed
        elif unicodedata.combining(ch):
            continue  # marks foreign to Vietnamese
        else:
            letters.append(ch)
    return letters, tone


def vietnamese_sort_key(text: str) -> str:
    """A key that sorts ``text`` in Vietnamese dictionary order by plain string comparison."""
    if not text:
        return ""
    parts = []
    for word in _WORD.findall(unicodedata.normalize("NFC", text.translate(_APOSTROPHES).replace("'", ""))):
        if word.isdigit():
            digits = word.lstrip("0") or "0"
            parts.append(_LENGTH[min(len(digits), 9)] + "".join(_DIGIT[d] for d in digits) + _TONE[0] + _END)
            continue
        letters, tone = _letters_and_tone(word)
        coded = "".join(_LETTER.get(ch, "") or _DIGIT.get(ch, "") for ch in letters)
        if coded:
            parts.append(coded + _TONE[tone] + _END)
    return "".join(parts)


def vietnamese_name_sort_key(full_name: str) -> str:
    """A person's key as Vietnamese staff lists sort: by given name (the last word), then by family
    and middle names — "Trần Văn An" before "Lê Thị Bình", "Lê An" before "Nguyễn An"."""
    words = (full_name or "").split()
    if len(words) > 1:
        words = words[-1:] + words[:-1]
    return vietnamese_sort_key(" ".join(words))


def search_words(queryset, value, field_name="search_text"):
    """Rows whose normalised ``field_name`` contains every word of ``value`` (accents ignored)."""
    for word in normalize_search(value).split():
        queryset = queryset.filter(**{f"{field_name}__contains": word})
    return queryset
