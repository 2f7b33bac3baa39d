"""Runs of the planner and the acceptance of their moves.

``run_create`` records a run and starts it (inline when the province is small, else as a
background task with progress); ``run_execute`` builds the problem, solves it and keeps the
proposal as JSON; ``accept_moves`` turns chosen moves into draft movements in the plan through
``secondments.services.secondment_create``, all in one transaction, each move at most once.
"""

import logging
import time
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.policy import refusal
from communes.models import Unit
from planner import solver
from planner.models import PlannerRun, RunStatus
from planner.selectors import build_problem, knobs_with_defaults, movement_end
from secondments import services as movement_services
from secondments.models import Kind, Secondment
from staffing.models import Assignment, Field, Staff

logger = logging.getLogger(__name__)


def run_create(*, by, province, plan=None, start_date, knobs=None, inline=None) -> PlannerRun:
    """Record a run of the planner and start it. ``inline`` None: inline when the province has
    fewer people on the roll than ``PLANNER_INLINE_MAX_STAFF``, else in the background."""
    message = refusal(by, "planner.run", province)
    if message:
        raise PermissionDenied(message)
    if plan is not None and plan.province_id != province.pk:
        raise ValidationError({"plan": _("The plan belongs to another province.")})
    run = PlannerRun.objects.create(
        province=province, plan=plan, start_date=start_date, knobs=knobs_with_defaults(knobs), created_by=by
    )
    if inline is None:
        staff = Assignment.objects.in_force_on(start_date).filter(unit__province=province).count()
        inline = staff <= settings.PLANNER_INLINE_MAX_STAFF
    if inline:
        run_execute(run.pk)
    else:
        from planner.tasks import run_planner

        run_planner.enqueue(run.pk)
    run.refresh_from_db()
    return run


def _progress(run_id, percent, stage):
    PlannerRun.objects.filter(pk=run_id).update(progress=percent, stage=stage)


def run_execute(run_id: int) -> None:
    """Build, solve and store one run (what the worker does); a failure is kept on the run."""
    claimed = PlannerRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now(), progress=5, stage="reading"
    )
    if not claimed:
        return
    run = PlannerRun.objects.select_related("province", "plan").get(pk=run_id)
    try:
        started = time.perf_counter()
        built = build_problem(province=run.province, plan=run.plan, start=run.start_date, knobs=run.knobs)
        read_seconds = time.perf_counter() - started
        _progress(run_id, 40, "solving")
        proposal = solver.solve(built.problem)
        _progress(run_id, 90, "writing")
        result = proposal_json(proposal, built, run)
        result["stats"]["read_seconds"] = round(read_seconds, 3)
        PlannerRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE, progress=100, stage="", result=result, finished_at=timezone.now()
        )
    except Exception as exc:
        logger.exception("Planner run %s failed", run_id)
        PlannerRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )


def _kind_for(move, knobs):
    return knobs["commune_kind"] if move.from_commune else knobs["department_kind"]


def proposal_json(proposal: solver.Proposal, built, run) -> dict:
    """The proposal as plain JSON with the names its explanations need (kept on the run)."""
    knobs = run.knobs
    end = movement_end(run.start_date, knobs)
    used_units, used_fields = set(), set()
    moves = []
    for i, m in enumerate(proposal.moves):
        kind = _kind_for(m, knobs)
        low_high = built.quota_ranges.get(m.quota_unit_id)
        already = built.already_sent.get(m.quota_unit_id, 0)
        moves.append(
            {
                "index": i,
                "person": m.person_id,
                "from_unit": m.from_unit_id,
                "from_commune": m.from_commune,
                "quota_unit": m.quota_unit_id,
                "to_unit": m.to_commune_id,
                "field": m.field_id,
                "match": m.match,
                "placed_field": m.placed_field_id,
                "major_field": m.major_field_id,
                "is_leader": m.is_leader,
                "reasons": list(m.reasons),
                "shortage": m.shortage,
                "weight": m.weight,
                "sender_sent": m.sender_sent + (already if not m.from_commune else 0),
                "sender_min": low_high[0] if low_high else None,
                "sender_max": low_high[1] if low_high else None,
                "sender_surplus": m.sender_surplus,
                "from_surplus": m.from_surplus,
                "kind": kind,
                "start": run.start_date.isoformat(),
                "end": None if kind == Kind.TRANSFER else end.isoformat(),
            }
        )
        used_units.update({m.from_unit_id, m.to_commune_id} | ({m.quota_unit_id} if m.quota_unit_id else set()))
        used_fields.update({m.field_id, m.placed_field_id} | ({m.major_field_id} if m.major_field_id else set()))
    cells = []
    for c in proposal.cells:
        cells.append(
            {
                "unit": c.commune_id,
                "field": c.field_id,
                "before": c.shortage_before,
                "covered": c.covered,
                "covered_by_major": c.covered_by_major,
                "after": c.shortage_after,
                "weight": c.weight,
            }
        )
        used_units.add(c.commune_id)
        used_fields.add(c.field_id)
    senders = []
    for s in proposal.senders:
        low, high = built.quota_ranges.get(s.unit_id, (s.minimum, s.maximum))
        already = built.already_sent.get(s.unit_id, 0)
        senders.append(
            {
                "unit": s.unit_id,
                "minimum": low,
                "maximum": high,
                "already": already,
                "proposed": s.sent,
                "total": already + s.sent,
                "shortfall": max(0, low - already - s.sent),
                "reason": s.reason,
                "candidates": s.candidates,
                "usable": s.usable,
                "gaps_created": s.gaps_created,
            }
        )
        used_units.add(s.unit_id)
    sender_fields = [
        {
            "unit": s.commune_id,
            "field": s.field_id,
            "before": s.surplus_before,
            "sent": s.sent,
            "after": s.surplus_after,
        }
        for s in proposal.sender_fields
    ]
    used_units.update(s.commune_id for s in proposal.sender_fields)
    unmet = []
    for u in proposal.unmet:
        unmet.append(
            {
                "unit": u.commune_id,
                "field": u.field_id,
                "unmet": u.unmet,
                "cause": u.cause,
                "blocked": {str(k): v for k, v in u.blocked.items()},
                "used_elsewhere": u.used_elsewhere,
                "same_commune": u.same_commune,
            }
        )
        used_units.add(u.commune_id)
        used_fields.add(u.field_id)
    used_fields.update(proposal.recruitment_needs)
    st = proposal.stats
    stats = {
        "status": st.status,
        "objective": st.objective,
        "lp_bound": st.lp_bound,
        "gap": st.gap,
        "greedy_objective": st.greedy_objective,
        "greedy_tiers": st.greedy_tiers,
        "tiers": st.tiers,
        "seconds": round(st.seconds, 3),
        "solve_seconds": round(st.solve_seconds, 3),
        "variables": st.variables,
        "integer_variables": st.integer_variables,
        "constraints": st.constraints,
        "nonzeros": st.nonzeros,
        "candidates": st.candidates,
        "usable_candidates": st.usable_candidates,
        "groups": st.groups,
        "demands": st.demands,
        "shortage_before": sum(c["before"] for c in cells),
        "shortage_after": sum(c["after"] for c in cells),
        "moves": len(moves),
    }
    units = {
        str(pk): {
            "name": built.units[pk]["name"],
            "code": built.units[pk]["code"],
            "kind": built.units[pk]["kind"],
            "disadvantaged": built.units[pk]["is_disadvantaged"],
            "border": built.units[pk]["is_border"],
        }
        for pk in used_units
        if pk in built.units
    }
    fields = {str(pk): built.fields[pk] for pk in used_fields if pk in built.fields}
    people = {str(m["person"]): built.people[m["person"]] for m in moves}
    return {
        "moves": moves,
        "cells": cells,
        "senders": senders,
        "sender_fields": sender_fields,
        "unmet": unmet,
        "recruitment": [{"field": f, "unmet": n} for f, n in proposal.recruitment_needs.items()],
        "stats": stats,
        "units": units,
        "fields": fields,
        "people": people,
        "end_date": end.isoformat(),
    }


def accept_moves(*, run: PlannerRun, by, indexes=None) -> list[Secondment]:
    """Turn the run's moves (all, or those at ``indexes``) into draft movements in its plan.

    One transaction: every movement passes the movement services' rules or none is created (the
    ValidationError names the move). A move accepted before is skipped, so accepting twice creates
    nothing new. Returns the movements created now.
    """
    message = refusal(by, "planner.accept", run)
    if message:
        raise PermissionDenied(message)
    if run.status != RunStatus.DONE:
        raise ValidationError(_("The run has not finished; there is nothing to accept yet."))
    if run.plan_id is None:
        raise ValidationError(_("Only a run for a plan can be accepted: its moves become the plan's movements."))
    moves = run.moves
    if indexes is None:
        indexes = [m["index"] for m in moves]
    indexes = sorted(set(indexes))
    bad = [i for i in indexes if not (isinstance(i, int) and 0 <= i < len(moves))]
    if bad:
        raise ValidationError({"moves": _("Unknown move numbers: %(numbers)s.") % {"numbers": bad}})
    if not indexes:
        raise ValidationError({"moves": _("Choose at least one move.")})
    created = []
    with transaction.atomic():
        locked = PlannerRun.objects.select_for_update().select_related("plan").get(pk=run.pk)
        accepted = dict(locked.accepted)
        todo = [moves[i] for i in indexes if str(i) not in accepted]
        people = Staff.objects.in_bulk([m["person"] for m in todo])
        units = Unit.objects.in_bulk([m["to_unit"] for m in todo])
        fields = Field.objects.in_bulk([m["field"] for m in todo])
        for m in todo:
            person = people.get(m["person"])
            try:
                if person is None:
                    raise ValidationError(_("This person is no longer in the record."))
                movement = movement_services.secondment_create(
                    by=by,
                    person=person,
                    to_unit=units[m["to_unit"]],
                    field=fields[m["field"]],
                    kind=m["kind"],
                    start_date=date.fromisoformat(m["start"]),
                    planned_end_date=date.fromisoformat(m["end"]) if m["end"] else None,
                    plan=locked.plan,
                    note=_("Proposed by planner run no. %(pk)s.") % {"pk": locked.pk},
                )
            except ValidationError as exc:
                raise ValidationError(
                    _("Move %(n)s (%(person)s → %(unit)s) cannot be accepted: %(why)s")
                    % {
                        "n": m["index"] + 1,
                        "person": person.full_name if person else m["person"],
                        "unit": units[m["to_unit"]].name,
                        "why": " ".join(exc.messages),
                    }
                ) from exc
            accepted[str(m["index"])] = movement.pk
            created.append(movement)
        locked.accepted = accepted
        locked.save(update_fields=["accepted"])
    run.accepted = accepted
    return created
