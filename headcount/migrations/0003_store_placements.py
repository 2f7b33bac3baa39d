from django.db import migrations

COLUMNS = [
    ("today_unit_id", "unit_id"),
    ("today_field_id", "field_id"),
    ("today_position_id", "position_id"),
    ("today_category", "category"),
    ("today_is_leader", "is_leader"),
    ("today_from", "valid_from"),
]


def fill(apps, schema_editor):
    """Store each person's placement of the day the summary holds (if it holds one)."""
    state = apps.get_model("headcount", "SummaryState").objects.first()
    if state is None:
        return
    sets = ", ".join(f"{mine} = x.{theirs}" for mine, theirs in COLUMNS)
    picked = ", ".join(f"a.{theirs}" for _mine, theirs in COLUMNS)
    schema_editor.execute(
        f"""UPDATE staffing_staff SET {sets}
            FROM (SELECT s.id AS person, {picked} FROM staffing_staff s
                  JOIN staffing_assignment a ON a.person_id = s.id AND a.valid_from <= %s
                       AND (a.valid_to IS NULL OR a.valid_to >= %s)) x
            WHERE staffing_staff.id = x.person""",
        [state.day, state.day],
    )


class Migration(migrations.Migration):
    dependencies = [
        ("headcount", "0002_unit_summary"),
        ("staffing", "0009_staff_today_placement"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
