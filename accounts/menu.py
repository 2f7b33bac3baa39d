"""The main menu, declared once: each entry's page (a URL name), label and who sees it.

Every signed-in page shows it, so it is written once per language and set of visible entries
and kept: a page asks only the entries' tests (``accounts.policy.may``), not the template engine.
"""

import html
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _text
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from accounts.policy import may


@dataclass(frozen=True)
class Entry:
    url_name: str
    label: object
    shown: Callable | None = None  # user -> bool; None: every signed-in user
    more: bool = False  # under "More", the less used pages


MAIN_MENU = (
    Entry("home", _("Overview")),
    Entry("reports:my-province", _("Dashboard"), lambda u: bool(u.province_id) and may(u, "report.province")),
    Entry("reports:national", _("National summary"), lambda u: may(u, "report.national")),
    Entry("unit-list", _("Units")),
    Entry("secondments:plan-list", _("Plans")),
    Entry("secondments:movement-list", _("Movements")),
    Entry("secondments:request-list", _("Staff requests")),
    Entry("position-list", _("Positions"), more=True),
    Entry("quota-request-list", _("Quota requests"), more=True),
    Entry("reports:decision-list", _("Documents"), lambda u: may(u, "document.manage"), more=True),
    Entry("audit-log", _("Audit log"), lambda u: may(u, "audit.view"), more=True),
    Entry(
        "province-import",
        _("Import a workbook of many units"),
        lambda u: u.role == Role.PROVINCE_OFFICIAL and bool(u.province_id),
        more=True,
    ),
    Entry("planner:forecast", _("Shortage forecast"), lambda u: may(u, "planner.run"), more=True),
    Entry("api-docs", "API", more=True),
    Entry("admin:index", _("Administration"), lambda u: u.is_staff, more=True),
)


def menu_shown(user) -> tuple:
    """Which entries of ``MAIN_MENU`` ``user`` sees (a tuple of booleans)."""
    return tuple(e.shown is None or bool(e.shown(user)) for e in MAIN_MENU)


def menu_html(user) -> str:
    """The menu's <li> items for ``user`` (escaped HTML)."""
    return _menu_html(menu_shown(user), get_language(), get_urlconf(), get_script_prefix())


@lru_cache(maxsize=128)
def _menu_html(shown, language, urlconf, prefix):
    esc = html.escape
    top, more = [], []
    for entry, visible in zip(MAIN_MENU, shown, strict=True):
        if not visible:
            continue
        href, label = esc(reverse(entry.url_name, urlconf=urlconf)), esc(str(entry.label))
        if entry.more:
            more.append(f'<li><a class="dropdown-item" href="{href}">{label}</a></li>')
        else:
            top.append(f'<li class="nav-item"><a class="nav-link" href="{href}">{label}</a></li>')
    if more:
        top.append(
            '<li class="nav-item dropdown">\n  <a class="nav-link dropdown-toggle" href="#" role="button" '
            f'data-bs-toggle="dropdown" aria-expanded="false">{esc(_text("More"))}</a>\n'
            '  <ul class="dropdown-menu">\n    ' + "\n    ".join(more) + "\n  </ul>\n</li>"
        )
    return "\n".join(top)
