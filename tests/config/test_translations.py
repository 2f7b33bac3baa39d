"""Every interface text has a Vietnamese translation: the default language must not fall back to English."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

CATALOG = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def untranslated(po: Path) -> list[str]:
    out = subprocess.run(
        ["msgattrib", "--untranslated", "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(po)], capture_output=True, text=True, check=True
    ).stdout
    ids = [line for line in (out + fuzzy).splitlines() if line.startswith("msgid ") and line != 'msgid ""']
    return ids


@pytest.mark.skipif(shutil.which("msgattrib") is None, reason="gettext tools not installed")
def test_catalog_has_no_untranslated_or_fuzzy_entries():
    assert untranslated(CATALOG) == []


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools not installed")
def test_catalog_covers_every_text_in_the_code(tmp_path, settings, monkeypatch):
    # makemessages writes into the catalogs it finds: run it on a copy of the sources.
    src = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        src,
        ignore=shutil.ignore_patterns(".*", "staticfiles", "static", "media", "bench", "tests", "*.sqlite3*", "*.mo"),
    )
    settings.LOCALE_PATHS = [src / "locale"]
    monkeypatch.chdir(src)
    call_command("makemessages", locale=["vi"], no_obsolete=True, verbosity=0)
    assert untranslated(src / "locale" / "vi" / "LC_MESSAGES" / "django.po") == []
