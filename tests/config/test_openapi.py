"""The OpenAPI schema is valid, warning-free, and its docs are served without a CDN."""

import pytest
from django.core.management import call_command

from accounts.models import Role


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/staff/" in text
    assert "/api/v1/movements/" in text
    assert "/api/v1/reports/" in text
    pools = text[text.index("  /api/v1/province-quotas/:") :]
    pools = pools[: pools.index("\n  /api/", 1)]
    assert "name: 'on'" in pools and "name: province_code" in pools
    assert "unallocated:" in text[text.index("    ProvinceQuota:") :]


@pytest.mark.django_db
def test_docs_page_uses_local_static_files(client, login_as):
    login_as(Role.NATIONAL_VIEWER)
    html = client.get("/api/v1/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower()
