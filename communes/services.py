"""Writes to provinces and units."""

import json

from django.db import transaction

from communes.models import Province, Unit, UnitKind
from core.text import normalize_search, vietnamese_sort_key

DIVISION_KINDS = {"xã": UnitKind.COMMUNE, "phường": UnitKind.WARD, "đặc khu": UnitKind.SPECIAL_ZONE}


def official_divisions():
    """The provinces and commune-level units of July 2025, from the vietnam-provinces package.

    The package (GPL-3.0) is used as a data source only: its JSON file is read, nothing more.
    """
    from vietnam_provinces import NESTED_DIVISIONS_JSON_PATH

    return json.loads(NESTED_DIVISIONS_JSON_PATH.read_text(encoding="utf-8"))


@transaction.atomic
def units_load_official(divisions=None) -> dict:
    """Create or update every province and commune-level unit; return counts of what changed.

    Running it again with the same data changes nothing.
    """
    divisions = official_divisions() if divisions is None else divisions
    stats = {"provinces_created": 0, "provinces_updated": 0, "units_created": 0, "units_updated": 0}
    provinces = {p.code: p for p in Province.objects.all()}
    for item in divisions:
        code = f"{int(item['code']):02d}"
        province = provinces.get(code)
        if province is None:
            provinces[code] = Province.objects.create(code=code, name=item["name"], division_type=item["division_type"])
            stats["provinces_created"] += 1
        elif (province.name, province.division_type) != (item["name"], item["division_type"]):
            province.name, province.division_type = item["name"], item["division_type"]
            province.save(update_fields=["name", "division_type"])
            stats["provinces_updated"] += 1

    existing = {u.code: u for u in Unit.objects.filter(kind__in=DIVISION_KINDS.values())}
    to_create, to_update = [], []
    for item in divisions:
        province = provinces[f"{int(item['code']):02d}"]
        for ward in item["wards"]:
            code = f"{int(ward['code']):05d}"
            kind = DIVISION_KINDS[ward["division_type"]]
            values = {"name": ward["name"], "kind": kind, "province_id": province.pk}
            unit = existing.get(code)
            if unit is None:
                keys = {"search_text": normalize_search(ward["name"]), "sort_key": vietnamese_sort_key(ward["name"])}
                to_create.append(Unit(code=code, **keys, **values))
            elif any(getattr(unit, k) != v for k, v in values.items()) or not unit.sort_key:
                for k, v in values.items():
                    setattr(unit, k, v)
                unit.search_text = normalize_search(unit.name)
                unit.sort_key = vietnamese_sort_key(unit.name)
                to_update.append(unit)
    Unit.objects.bulk_create(to_create, batch_size=1000)
    Unit.objects.bulk_update(to_update, ["name", "kind", "province_id", "search_text", "sort_key"], batch_size=1000)
    stats["units_created"], stats["units_updated"] = len(to_create), len(to_update)
    return stats
