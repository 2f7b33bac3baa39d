"""The staff requests' list is declared once (secondments.tables.STAFF_REQUESTS) and its page renders it."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from secondments import tables
from secondments.models import StaffRequest
from tests import factories as f
from tests.secondments import builders as sb
from tests.tables import table_html

pytestmark = pytest.mark.django_db


def test_request_list_shows_the_declared_columns_and_links_each_request(client, login_as):
    w = sb.World()
    planned = sb.staff_request(w.commune, w.finance, 2, plan=w.plan)
    f.movement(w.people[0], w.commune, request=planned)
    f.movement(w.people[1], w.commune, request=planned)
    loose = sb.staff_request(w.other_commune, w.land, 1)
    # 18:00 UTC on 1 September is 01:00 on 2 September in Vietnam: the page shows the local day.
    StaffRequest.objects.filter(pk=planned.pk).update(created_at=datetime(2025, 9, 1, 18, 0, tzinfo=UTC))
    StaffRequest.objects.filter(pk=loose.pk).update(created_at=datetime(2025, 8, 20, 3, 0, tzinfo=UTC))
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    html = table_html(client.get(reverse("secondments:request-list")).content.decode(), "requests")
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert heads == ["Commune", "Field", "People needed", "Plan", "Requested at", "Status", "Movements"]
    assert [c.label for c in tables.STAFF_REQUESTS.columns] == heads
    link = reverse("secondments:request-detail", args=[planned.pk])
    assert (
        f'<tr data-request="{planned.pk}"><td data-col="name"><a href="{link}">Xã Hòa Phú</a></td>'
        '<td data-col="field">Finance</td><td class="num" data-col="count">2</td>'
        f'<td data-col="name">{w.plan.name}</td><td data-col="requested_on">02/09/2025</td>'
        '<td data-col="status_label">Open</td><td class="num" data-col="n_movements">2</td></tr>'
    ) in html
    link = reverse("secondments:request-detail", args=[loose.pk])
    assert (
        f'<tr data-request="{loose.pk}"><td data-col="name"><a href="{link}">Xã Ea Tu</a></td>'
        '<td data-col="field">Land</td><td class="num" data-col="count">1</td>'
        '<td data-col="name">–</td><td data-col="requested_on">20/08/2025</td>'
        '<td data-col="status_label">Open</td><td class="num" data-col="n_movements">0</td></tr>'
    ) in html
    assert html.index(f'data-request="{planned.pk}"') < html.index(f'data-request="{loose.pk}"')  # newest first
    assert client.get(link).status_code == 200


def test_request_list_without_requests_says_so(client, login_as):
    w = sb.World()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    html = table_html(client.get(reverse("secondments:request-list")).content.decode(), "requests")
    assert '<tbody><tr><td colspan="7">No requests.</td></tr></tbody>' in html
