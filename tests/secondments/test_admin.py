import pytest
from django.urls import reverse

from secondments.models import Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def test_admin_pages_render(client):
    w = b.World()
    m = f.movement(w.people[0], w.commune, status=Status.ACTIVE, plan=w.plan)
    b.fixed_quota(w.plan, w.dept, 3)
    r = b.staff_request(w.commune, w.finance, 1)
    client.force_login(f.user("national_viewer", is_superuser=True, is_staff=True))
    for name, obj in [("plan", w.plan), ("secondment", m), ("staffrequest", r)]:
        assert client.get(reverse(f"admin:secondments_{name}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:secondments_{name}_change", args=[obj.pk])).status_code == 200
