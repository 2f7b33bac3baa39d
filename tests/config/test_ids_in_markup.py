"""Ids written into markup (form values, element ids, query strings) are never localised: with the
thousand separator on, id 33294 would otherwise be written "33,294" (or "33.294" in Vietnamese)."""

import re
from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_a_large_id_is_written_as_digits_in_both_languages():
    person = SimpleNamespace(
        pk=33294, full_name="Nguyễn Văn An", staff_code="NV1", unit_name="Xã A", field_name="Đất đai"
    )
    for language in ("vi", "en"):
        with translation.override(language):
            html = render_to_string("secondments/_person_option.html", {"person": person, "name": "person"})
        assert 'value="33294" id="person-33294"' in html


def test_no_template_prints_a_bare_id():
    bare = re.compile(r"\{\{ *[a-z_.]*\.(pk|id) *\}\}")
    offenders = [str(p.relative_to(TEMPLATES)) for p in TEMPLATES.rglob("*.html") if bare.search(p.read_text())]
    assert offenders == []
