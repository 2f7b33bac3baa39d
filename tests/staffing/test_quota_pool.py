"""Two tiers of quota: the province's pool per category (from the central level) and its units'
quotas, which may not add up past it. Figures are worked out by hand in each test."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from staffing import services
from staffing.models import ProvinceQuota, Quota
from staffing.selectors import quota_pool, quota_pools
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import counts, officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

JULY = date(2025, 7, 1)


def pool(world, count, category="civil_servant", day=JULY):
    return ProvinceQuota.objects.create(
        province=world.province,
        category=category,
        count=count,
        decision_number="1/QĐ-BNV",
        decision_date=day,
        effective_from=day,
    )


def decide(world, unit, field, count, *, category="civil_servant", day=JULY, by=None):
    return services.quota_set(
        by=by or officer(world, Role.PROVINCE_OFFICIAL),
        unit=unit,
        field=field,
        category=category,
        count=count,
        decision_number="2/QĐ-UBND",
        decision_date=day,
        effective_from=day,
    )


def test_a_decision_past_the_pool_is_refused_with_the_remaining_figure(world):
    # Pool 20 civil servants; commune land 6 + neighbour finance 5 + department finance 4 = 15
    # allocated, so 5 remain: 5 more for the neighbour's land passes, 6 would not.
    pool(world, 20)
    f.quota(world.commune, world.land, 6)
    f.quota(world.neighbour, world.finance, 5)
    f.quota(world.department, world.finance, 4)
    f.quota(world.far_commune, world.land, 50)  # another province: not counted
    f.quota(world.commune, world.finance, 9, category="cadre")  # another category: not counted
    before = counts()
    with pytest.raises(ValidationError) as refused:
        decide(world, world.neighbour, world.land, 6)
    message = refused.value.message_dict["count"][0]
    assert message == (
        "The province's pool of civil servant posts on 01/07/2025 is 20; 15 are allocated to its units, "
        "so 5 remain for this decision (asked: 6)."
    )
    assert counts() == before
    decide(world, world.neighbour, world.land, 5)
    assert [(r.category, r.pool, r.allocated, r.unallocated) for r in quota_pool(world.province.pk, JULY)] == [
        ("cadre", None, 9, None),
        ("civil_servant", 20, 20, 0),
    ]


def test_a_new_decision_replaces_the_units_own_quota_in_the_sum(world):
    # Pool 10; the commune holds 8 in land. Raising it to 10 replaces the 8: 0 elsewhere, 10 remain.
    pool(world, 10)
    f.quota(world.commune, world.land, 8)
    decide(world, world.commune, world.land, 10, day=date(2025, 9, 1))
    with pytest.raises(ValidationError, match="so 10 remain for this decision \\(asked: 11\\)"):
        decide(world, world.commune, world.land, 11, day=date(2025, 10, 1))


def test_correcting_a_decision_is_checked_against_the_pool(world):
    # Pool 10; commune 4 + neighbour 5 = 9; correcting the neighbour's 5 to 7 needs 7 > 10 − 4 = 6.
    pool(world, 10)
    f.quota(world.commune, world.land, 4)
    q = f.quota(world.neighbour, world.land, 5)
    with pytest.raises(ValidationError, match="4 are allocated to its units, so 6 remain for this decision"):
        services.quota_update(quota=q, by=officer(world, Role.PROVINCE_OFFICIAL), version=1, count=7)
    q.refresh_from_db()
    assert (q.count, q.version) == (5, 1)


def test_without_a_pool_there_is_no_limit_and_a_later_pool_counts_from_its_date(world):
    decide(world, world.commune, world.land, 500)
    pool(world, 10, day=date(2026, 1, 1))
    # Before the pool there is no limit, but a decision still in force when the pool starts counts.
    with pytest.raises(ValidationError, match="on 01/01/2026 is 10; 500 are allocated"):
        decide(world, world.neighbour, world.land, 3, day=date(2025, 12, 31))
    with pytest.raises(ValidationError, match="is 10; 500 are allocated"):
        decide(world, world.department, world.finance, 1, day=date(2026, 1, 1))


def test_a_pool_smaller_than_the_allocations_is_refused(world):
    f.quota(world.commune, world.land, 7)
    f.quota(world.neighbour, world.land, 5)
    official = officer(world, Role.PROVINCE_OFFICIAL)
    kwargs = {"province": world.province, "category": "civil_servant", "decision_number": "3/QĐ-BNV"}
    with pytest.raises(ValidationError, match="12 civil servant posts are already allocated"):
        services.province_quota_set(by=official, count=11, decision_date=JULY, effective_from=JULY, **kwargs)
    assert not ProvinceQuota.objects.exists()
    p = services.province_quota_set(by=official, count=12, decision_date=JULY, effective_from=JULY, **kwargs)
    assert p.history.get().history_user == official
    with pytest.raises(PermissionDenied, match="allocation from the central level"):
        services.province_quota_set(
            by=officer(world, Role.COMMUNE_OFFICER), count=99, decision_date=JULY, effective_from=JULY, **kwargs
        )


def test_accepting_a_request_past_the_pool_keeps_it_open(client, world):
    pool(world, 3)
    f.quota(world.neighbour, world.land, 2)
    r = services.quota_request_create(
        by=officer(world, Role.COMMUNE_OFFICER),
        unit=world.commune,
        field=world.land,
        category="civil_servant",
        count=2,
        justification="Thiếu",
    )
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    response = client.post(
        reverse("quota-request-decide", args=[r.pk, "accept"]),
        {"count": "2", "decision_number": "8/QĐ", "decision_date": "01/07/2025", "effective_from": "01/07/2025"},
    )
    assert response.status_code == 400
    assert "so 1 remain for this decision (asked: 2)" in response.content.decode()
    r.refresh_from_db()
    assert r.status == "open" and not Quota.objects.filter(unit=world.commune).exists()


def test_dashboard_card_and_pool_page(client, world):
    pool(world, 30)
    pool(world, 4, category="cadre")
    f.quota(world.commune, world.land, 6)
    f.quota(world.department, world.finance, 10)
    f.quota(world.commune, world.finance, 1, category="cadre")
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    html = client.get(reverse("reports:province", args=["66"]) + "?as_of=15/10/2025").content.decode()
    card = html[html.index('id="quota-pool"') :]
    # civil servants: 30 − (6 + 10) = 14 unallocated; cadres: 4 − 1 = 3.
    row = card[card.index('data-category="civil_servant"') :]
    assert '<td class="num" data-col="pool">30</td>' in row
    assert '<td class="num" data-col="allocated">16</td>' in row
    assert 'data-col="unallocated">14</td>' in row
    row = card[card.index('data-category="cadre"') :]
    assert 'data-col="unallocated">3</td>' in row
    page = client.get(reverse("quota-pool", args=["66"]))
    assert page.status_code == 200 and 'id="pool-form"' in page.content.decode()
    before = ProvinceQuota.objects.count()
    bad = client.post(
        reverse("quota-pool", args=["66"]),
        {"category": "civil_servant", "count": "15", "decision_number": "9", "decision_date": "01/07/2025"},
    )
    assert bad.status_code == 400 and ProvinceQuota.objects.count() == before
    small = client.post(
        reverse("quota-pool", args=["66"]),
        {
            "category": "civil_servant",
            "count": "15",
            "decision_number": "9",
            "decision_date": "01/08/2025",
            "effective_from": "01/08/2025",
        },
    )
    assert small.status_code == 400 and "16 civil servant posts are already allocated" in small.content.decode()
    ok = client.post(
        reverse("quota-pool", args=["66"]),
        {
            "category": "civil_servant",
            "count": "40",
            "decision_number": "9",
            "decision_date": "01/08/2025",
            "effective_from": "01/08/2025",
        },
    )
    assert ok.status_code == 302 and ProvinceQuota.objects.count() == before + 1
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    page = client.get(reverse("quota-pool", args=["66"]))
    assert page.status_code == 200 and 'id="pool-form"' not in page.content.decode()
    assert client.post(reverse("quota-pool", args=["66"]), {}).status_code == 403
    assert client.get(reverse("quota-pool", args=["64"])).status_code == 404


# The pool holds on every day a decision is in force, not only on the day it takes effect.

SEPTEMBER, OCTOBER = date(2025, 9, 1), date(2025, 10, 1)


def test_a_decision_before_a_pool_is_refused_if_it_overruns_the_pool_later(world):
    # Pool 10 from 1 October; the commune holds 6 in land from July. The neighbour's 5 from
    # September is allowed on its first day (no pool yet) but would hold on 1 October, when
    # 6 + 5 = 11 > 10: refused, naming 1 October, where 10 − 6 = 4 remain. 4 passes.
    official = officer(world, Role.PROVINCE_OFFICIAL)
    f.quota(world.commune, world.land, 6)
    services.province_quota_set(
        by=official, province=world.province, category="civil_servant", count=10,
        decision_number="1/QĐ-BNV", decision_date=OCTOBER, effective_from=OCTOBER,
    )  # fmt: skip
    before = counts()
    with pytest.raises(ValidationError) as refused:
        decide(world, world.neighbour, world.land, 5, day=SEPTEMBER, by=official)
    assert refused.value.message_dict["count"] == [
        "The province's pool of civil servant posts on 01/10/2025 is 10; 6 are allocated to its units, "
        "so 4 remain for this decision (asked: 5)."
    ]
    assert counts() == before
    decide(world, world.neighbour, world.land, 4, day=SEPTEMBER, by=official)
    assert [(r.pool, r.allocated) for r in quota_pool(world.province.pk, OCTOBER)] == [(10, 10)]


def test_a_decision_under_a_larger_pool_is_checked_against_a_smaller_later_one(world):
    # Pool 20 from July, 8 from October; the commune holds 5. The neighbour's 4 from September
    # fits the July pool (9 ≤ 20) but not October's (9 > 8). A later decision of the neighbour
    # from October (0 posts) ends the 4 before the smaller pool: then it passes.
    official = officer(world, Role.PROVINCE_OFFICIAL)
    pool(world, 20)
    pool(world, 8, day=OCTOBER)
    f.quota(world.commune, world.land, 5)
    with pytest.raises(ValidationError, match="pool of civil servant posts on 01/10/2025 is 8; 5 are allocated"):
        decide(world, world.neighbour, world.land, 4, day=SEPTEMBER, by=official)
    decide(world, world.neighbour, world.land, 0, day=OCTOBER, by=official)
    decide(world, world.neighbour, world.land, 4, day=SEPTEMBER, by=official)
    assert [(r.pool, r.allocated) for r in quota_pool(world.province.pk, SEPTEMBER)] == [(20, 9)]
    assert [(r.pool, r.allocated) for r in quota_pool(world.province.pk, OCTOBER)] == [(8, 5)]


def test_a_pool_is_refused_if_later_decisions_exceed_it_while_it_holds(world):
    # The commune holds 3 from July and 9 from October. A pool of 5 from September holds on
    # 1 October too, when 9 are allocated: refused, naming 1 October. A pool of 9 passes, and so
    # does a pool of 5 followed by another from October (the 5 then ends before the 9).
    official = officer(world, Role.PROVINCE_OFFICIAL)
    f.quota(world.commune, world.land, 3)
    f.quota(world.commune, world.land, 9, effective_from=OCTOBER)
    kwargs = {"by": official, "province": world.province, "category": "civil_servant", "decision_number": "4/QĐ"}
    with pytest.raises(ValidationError) as refused:
        services.province_quota_set(count=5, decision_date=SEPTEMBER, effective_from=SEPTEMBER, **kwargs)
    assert refused.value.message_dict["count"] == [
        "9 civil servant posts are already allocated to the province's units on 01/10/2025; the pool cannot be smaller."
    ]
    assert not ProvinceQuota.objects.exists()
    services.province_quota_set(count=12, decision_date=SEPTEMBER, effective_from=OCTOBER, **kwargs)
    services.province_quota_set(count=5, decision_date=SEPTEMBER, effective_from=SEPTEMBER, **kwargs)
    assert [(r.pool, r.allocated) for r in quota_pool(world.province.pk, SEPTEMBER)] == [(5, 3)]
    assert [(r.pool, r.allocated) for r in quota_pool(world.province.pk, OCTOBER)] == [(12, 9)]


def test_the_pool_on_each_date_takes_the_latest_decisions_in_force_in_one_query(world, django_assert_num_queries):
    # Civil servants: pool 30 from July, 25 from October; cadres: pool 7 from September.
    # Quotas: commune land 6 (July) then 4 (October), commune land cadre 2 (July), neighbour finance
    # 5 (September), department finance 3 (July) then 8 (November); the far commune's 40 is another
    # province's. 30 June: nothing in force. 1 July: 6 + 3 = 9 civil servants, 2 cadres, no cadre
    # pool. 1 September: 6 + 5 + 3 = 14; cadre pool 7. 1 October: 4 + 5 + 3 = 12 of 25.
    # 1 November: 4 + 5 + 8 = 17 of 25.
    november = date(2025, 11, 1)
    pool(world, 30)
    pool(world, 25, day=OCTOBER)
    pool(world, 7, category="cadre", day=SEPTEMBER)
    f.quota(world.commune, world.land, 6)
    f.quota(world.commune, world.land, 4, effective_from=OCTOBER)
    f.quota(world.commune, world.land, 2, category="cadre")
    f.quota(world.neighbour, world.finance, 5, effective_from=SEPTEMBER)
    f.quota(world.department, world.finance, 3)
    f.quota(world.department, world.finance, 8, effective_from=november)
    f.quota(world.far_commune, world.land, 40)

    def figures(day):
        with django_assert_num_queries(1):
            rows = quota_pool(world.province.pk, day)
        several = quota_pools([world.province.pk], day)  # the API's reader, several provinces at once
        assert sorted(several) == sorted((world.province.pk, r.category) for r in rows)
        assert [several[(world.province.pk, r.category)] for r in rows] == rows
        return [(r.category, r.pool, r.allocated, r.unallocated) for r in rows]

    assert figures(date(2025, 6, 30)) == []
    assert figures(JULY) == [("cadre", None, 2, None), ("civil_servant", 30, 9, 21)]
    assert figures(SEPTEMBER) == [("cadre", 7, 2, 5), ("civil_servant", 30, 14, 16)]
    assert figures(OCTOBER) == [("cadre", 7, 2, 5), ("civil_servant", 25, 12, 13)]
    assert figures(november) == [("cadre", 7, 2, 5), ("civil_servant", 25, 17, 8)]
    assert figures(date(2025, 9, 30)) == figures(SEPTEMBER)
