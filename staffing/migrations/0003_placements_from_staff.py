"""Copy each person's placement into dated assignments.

One assignment per person, from the day they joined (or 1 July 2025, when the two-tier units came
into being, if no joining date is known) to the day they left. A transfer already applied splits
it: the part before the transfer's start date keeps the sending unit and the field and position
the person held before it (read from the record's history), so past headcount is unchanged.
"""

from datetime import date, timedelta

from django.db import migrations

REFORM_DATE = date(2025, 7, 1)
BATCH = 2000


def forwards(apps, schema_editor):
    Staff = apps.get_model("staffing", "Staff")
    HistoricalStaff = apps.get_model("staffing", "HistoricalStaff")
    Assignment = apps.get_model("staffing", "Assignment")
    Secondment = apps.get_model("secondments", "Secondment")

    transfers = {}
    for m in Secondment.objects.filter(kind="transfer", status="completed").order_by("start_date", "pk"):
        transfers.setdefault(m.person_id, []).append(m)

    batch = []
    for person in Staff.objects.order_by("pk").iterator(chunk_size=BATCH):
        start = person.start_date or REFORM_DATE
        end = person.end_date
        periods = []  # (from, unit, field, position), oldest first
        moves = [m for m in transfers.get(person.pk, []) if m.start_date > start]
        current = (person.home_unit_id, person.field_id, person.position_id)
        for m in reversed(moves):
            periods.append((m.start_date, current))
            # The reason was written in the language of the request that applied the transfer.
            before = (
                HistoricalStaff.objects.filter(
                    id=person.pk, history_change_reason__in=[f"Transfer no. {m.pk}", f"Điều động số {m.pk}"]
                )
                .order_by("history_date")
                .first()
            )
            earlier = None
            if before is not None:
                earlier = (
                    HistoricalStaff.objects.filter(id=person.pk, history_date__lt=before.history_date)
                    .order_by("-history_date", "-history_id")
                    .first()
                )
            current = (
                m.from_unit_id,
                earlier.field_id if earlier else current[1],
                earlier.position_id if earlier else current[2],
            )
        periods.append((start, current))
        periods.reverse()
        for i, (valid_from, (unit_id, field_id, position_id)) in enumerate(periods):
            nxt = periods[i + 1][0] - timedelta(days=1) if i + 1 < len(periods) else end
            if end is not None and valid_from > end:
                break
            batch.append(
                Assignment(
                    person_id=person.pk,
                    unit_id=unit_id,
                    field_id=field_id,
                    position_id=position_id,
                    category=person.category,
                    is_leader=person.is_leader,
                    valid_from=valid_from,
                    valid_to=nxt if (end is None or nxt is None or nxt < end) else end,
                    change="hire" if i == 0 else "transfer",
                )
            )
        if len(batch) >= BATCH:
            Assignment.objects.bulk_create(batch)
            batch = []
    Assignment.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("staffing", "0002_assignment_absence"),
        ("secondments", "0003_plan_rules_requests_extensions"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
