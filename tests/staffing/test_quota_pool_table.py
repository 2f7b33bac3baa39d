"""The quota pool is declared once (staffing.tables.QUOTA_POOL, POOL_DECISIONS): the province
dashboard's card, the pool's page and the pool figures of the API read it."""

from datetime import date

import pytest
from django.urls import reverse

from accounts.models import Role
from staffing import tables
from staffing.models import ProvinceQuota
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import officer
from tests.tables import heads

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


def pool(world, count, category, day=date(2025, 7, 1), number="1/QĐ-BNV"):
    return ProvinceQuota.objects.create(
        province=world.province,
        category=category,
        count=count,
        decision_number=number,
        decision_date=day,
        effective_from=day,
    )


def rows_of(world):
    # Civil servants: pool 1,200 against 6 + 10 held → 1,184 left. Cadres: pool 1 against 3 → 2 over.
    # Public employees: no pool, 5 held.
    pool(world, 1200, "civil_servant")
    pool(world, 1, "cadre")
    f.quota(world.commune, world.land, 6)
    f.quota(world.department, world.finance, 10)
    f.quota(world.commune, world.finance, 3, category="cadre")
    f.quota(world.neighbour, world.land, 5, category="public_employee")


def test_dashboard_card_shows_the_declared_pool_table(client, world):
    rows_of(world)
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    html = client.get(reverse("reports:province", args=["66"]) + "?as_of=15/10/2025").content.decode()
    card = html[html.index('id="quota-pool"') : html.index("</section>", html.index('id="quota-pool"'))]
    assert heads(card) == ["Category", "Pool", "Allocated", "Unallocated"]
    assert heads(card) == [str(c.label) for c in tables.QUOTA_POOL.page_columns()]
    assert (
        '<tr data-category="cadre"><th scope="row" data-col="label">Cadre</th>'
        '<td class="num" data-col="pool">1</td><td class="num" data-col="allocated">3</td>'
        '<td class="num" data-col="unallocated"><span class="gap-neg">-2</span></td></tr>'
    ) in card
    assert (
        '<tr data-category="civil_servant"><th scope="row" data-col="label">Civil servant</th>'
        '<td class="num" data-col="pool">1,200</td><td class="num" data-col="allocated">16</td>'
        '<td class="num" data-col="unallocated">1,184</td></tr>'
    ) in card
    assert (
        '<tr data-category="public_employee"><th scope="row" data-col="label">Public employee</th>'
        '<td class="num" data-col="pool"><span class="text-body-secondary">not recorded</span></td>'
        '<td class="num" data-col="allocated">5</td><td class="num" data-col="unallocated">—</td></tr>'
    ) in card
    link = reverse("quota-pool", args=["66"])
    assert f'href="{link}"' in card and client.get(link).status_code == 200


def test_pool_page_shows_the_declared_pool_and_decisions(client, world):
    rows_of(world)
    pool(world, 1500, "civil_servant", day=date(2025, 9, 1), number="7/QĐ-BNV")
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    html = client.get(reverse("quota-pool", args=["66"])).content.decode()
    today = html[html.index('id="pool-today"') : html.index("</table>", html.index('id="pool-today"'))]
    assert heads(today) == ["Category", "Pool", "Allocated", "Unallocated"]
    assert (
        '<tr data-category="civil_servant"><th scope="row" data-col="label">Civil servant</th>'
        '<td class="num" data-col="pool">1,500</td><td class="num" data-col="allocated">16</td>'
        '<td class="num" data-col="unallocated">1,484</td></tr>'
    ) in today
    assert (
        '<tr data-category="public_employee"><th scope="row" data-col="label">Public employee</th>'
        '<td class="num" data-col="pool">—</td><td class="num" data-col="allocated">5</td>'
        '<td class="num" data-col="unallocated">—</td></tr>'
    ) in today

    decisions = html[html.index('id="pool-decisions"') : html.index("</table>", html.index('id="pool-decisions"'))]
    assert heads(decisions) == ["Category", "Posts", "Decision", "Effective from"]
    assert heads(decisions) == [str(c.label) for c in tables.POOL_DECISIONS.page_columns()]
    # By category, the latest first.
    assert (
        '<tr><td data-col="category_label">Civil servant</td><td class="num" data-col="count">1,500</td>'
        '<td data-col="decision_number">7/QĐ-BNV · 01/09/2025</td><td data-col="effective_from">01/09/2025</td></tr>\n'
        '<tr><td data-col="category_label">Civil servant</td><td class="num" data-col="count">1,200</td>'
        '<td data-col="decision_number">1/QĐ-BNV · 01/07/2025</td><td data-col="effective_from">01/07/2025</td></tr>'
    ) in decisions


def test_pool_api_figures_are_the_declared_columns(client, world):
    rows_of(world)
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    data = client.get("/api/v1/province-quotas/", {"on": "2025-10-15"}).json()
    by_category = {r["category"]: r for r in data["results"]}
    assert {k: by_category["cadre"][k] for k in ("pool", "allocated", "unallocated")} == {
        "pool": 1,
        "allocated": 3,
        "unallocated": -2,
    }
    assert {k: by_category["civil_servant"][k] for k in ("pool", "allocated", "unallocated")} == {
        "pool": 1200,
        "allocated": 16,
        "unallocated": 1184,
    }
