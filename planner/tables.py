"""The planner's tables, each declared once (``core.tables``): a run's proposed moves, its shortage
before → after, its sending units and the shortage left unmet (rows: ``planner.explain.present``);
two runs' shortages side by side; the forecast month by month and per commune × field (the
forecast API serves the same columns)."""

import html
from dataclasses import replace

from django.template.defaultfilters import floatformat
from django.utils.formats import date_format, get_format, localize
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.tables import DAY, ID, INT, Col, Link, Table

COMMUNE = Link("unit-detail", args=("unit_code",))


def _or_dash(key):
    """A number cell showing "–" where the figure is not given."""

    def render(row, ctx):
        value = row.get(key)
        return "–" if value is None else f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))

    return render


def _choose_cell(m, ctx):
    """The move's checkbox, for those who may accept it (none once it is a draft movement)."""
    if m["movement"]:
        return ""
    label = html.escape(f"{gettext('Accept move')} {m['number']}")
    return (
        f'<input class="form-check-input" type="checkbox" name="moves" value="{m["index"]}" '
        f'id="move-{m["index"]}" aria-label="{label}">'
    )


def _person_cell(m, ctx):
    code = html.escape(m["person_code"])
    return f'{html.escape(m["person_name"])} <span class="text-body-secondary small">{code}</span>'


# A run's proposed moves (its page; the API serves the stored moves with their reasons).
RUN_MOVES = Table(
    "run_moves",
    (
        Col(
            "choose",
            _("Choose"),
            render=_choose_cell,
            hidden_label=True,
            when=lambda ctx: bool(ctx.get("can_accept")),
            api=False,
            excel=False,
        ),
        Col("number", "#", ID),
        Col("person_name", _("Person"), render=_person_cell),
        Col("from_name", _("From")),
        Col("to_name", _("To")),
        Col("field_name", _("Field")),
        Col("kind_label", _("Kind")),
        Col("reason", _("Reason"), css="small"),
        Col("movement_label", _("Movement"), link=Link("secondments:movement-detail", args=("movement",))),
    ),
    empty=_("No move is proposed."),
    row_attrs=lambda m: {"data-move": m["index"]},
)

# A run's shortage before and after, per commune and field.
RUN_CELLS = Table(
    "run_cells",
    (
        Col("unit_name", _("Commune"), link=COMMUNE),
        Col("field_name", _("Field")),
        Col("before", _("Before"), INT, css="gap-neg"),
        Col("covered", _("Covered"), INT),
        Col("covered_by_major", _("of which by expertise"), INT),
        Col("after", _("After"), INT, css="gap-neg", css_if_value=True),
        Col("weight", _("Weight"), css="num", head_css="num", render=lambda c, ctx: html.escape(localize(c["weight"]))),
    ),
    empty=_("No shortage to plan for."),
)

# A run's sending units against their required range, then the communes sending from a surplus
# (``sender_fields``: their surplus stands in the range's column, what is left in the note's).
RUN_SENDERS = Table(
    "run_senders",
    (
        Col("label", _("Sending unit")),
        Col("range", _("Required (min–max)"), css="num", head_css="num"),
        Col("already", _("Already under the plan"), INT),
        Col("proposed", _("Proposed"), INT),
        Col("total", _("Total"), INT),
        Col("note", _("Below its minimum because")),
    ),
    empty=_("The plan sets no sending quota."),
)

# The shortage a run leaves unmet, and why.
RUN_UNMET = Table(
    "run_unmet",
    (
        Col("unit_name", _("Commune"), link=COMMUNE),
        Col("field_name", _("Field")),
        Col("unmet", _("Unmet"), INT),
        Col("cause_text", _("Cause")),
        Col("blocked_text", _("People held"), css="small"),
    ),
    empty=_("Every shortage planned for is covered."),
    row_attrs=lambda u: {"data-cause": u["cause"]},
)

# Two runs' shortage after, per commune and field (the runs' columns are labelled by ``compare_cells``).
COMPARE_CELLS = Table(
    "compare_cells",
    (
        Col("unit_name", _("Commune"), link=COMMUNE),
        Col("field_name", _("Field")),
        Col("before", _("Before"), INT),
        Col("a", "A", INT, render=_or_dash("a")),
        Col("b", "B", INT, render=_or_dash("b")),
    ),
    empty=_("No shortage to plan for."),
)


def compare_cells(a, b):
    """``COMPARE_CELLS`` with the two runs' numbers as the labels of their columns."""
    labels = {"a": f"#{a.pk:d}", "b": f"#{b.pk:d}"}
    columns = tuple(replace(c, label=labels.get(c.key, c.label)) for c in COMPARE_CELLS.columns)
    return replace(COMPARE_CELLS, columns=columns, _serializer={})


def _figure_label(row, ctx):
    """The figure's name; a setting the two runs differ in says so to screen readers."""
    out = html.escape(str(row["label"]))
    if row["differs"]:
        out += f' <span class="visually-hidden">({html.escape(gettext("differs"))})</span>'
    return out


# Two runs' figures and settings side by side (rows: ``compare_figure_rows``); each run's column
# links to its page.
COMPARE_FIGURES = Table(
    "compare_figures",
    (
        Col("label", _("Figure"), header=True, render=_figure_label),
        Col("a", "A", head_link=Link("planner:run-detail", args=("ctx.a.pk",))),
        Col("b", "B", head_link=Link("planner:run-detail", args=("ctx.b.pk",))),
    ),
    row_attrs=lambda r: {"class": "table-warning"} if r["differs"] else {},
)


def _text(value):
    return "" if value is None else value


def _setting(value):
    """A run's setting as the page writes a value (numbers in the language's form), "–" unset."""
    return "–" if value is None else localize(value)


def _start_date(run, view):
    return run.start_date and date_format(run.start_date, "SHORT_DATE_FORMAT")


def compare_figure_rows(a, b, va, vb, knobs):
    """The runs' figures (from ``present``), then their settings: ``knobs`` are (label, value of a,
    value of b) triples, a setting neither run sets shown as "–"."""

    def figure(label, read):
        return {"label": label, "a": _text(read(a, va)), "b": _text(read(b, vb)), "differs": False}

    def stat(key, places=None):
        def read(run, view):
            value = view["stats"].get(key)
            return floatformat(value, places) if places is not None and value not in (None, "") else value

        return read

    def shortage(run, view):
        stats = view["stats"]
        return f"{_text(stats.get('shortage_before'))} → {_text(stats.get('shortage_after'))}"

    rows = [
        figure(gettext("Start date"), _start_date),
        figure(gettext("Shortage before → after"), shortage),
        figure(gettext("Proposed moves"), stat("moves")),
        figure(gettext("Moves by expertise"), lambda run, view: (view["stats"].get("tiers") or {}).get("expertise")),
        figure(gettext("Weighted shortage covered"), stat("objective", 3)),
        figure(gettext("LP bound"), stat("lp_bound", 3)),
        figure(gettext("greedy baseline"), stat("greedy_objective", 3)),
    ]
    for label, x, y in knobs:
        rows.append({"label": label, "a": _setting(x), "b": _setting(y), "differs": x != y})
    return rows


def compare_figures(a, b):
    """``COMPARE_FIGURES`` with the two runs' numbers as the labels of their columns."""
    labels = {"a": f"#{a.pk:d}", "b": f"#{b.pk:d}"}
    columns = tuple(replace(c, label=labels.get(c.key, c.label)) for c in COMPARE_FIGURES.columns)
    return replace(COMPARE_FIGURES, columns=columns, _serializer={})


def _events(m, ctx):
    """What changes in the month: the people retiring, the movements and absences starting or ending."""

    def day(value):
        return date_format(value, "SHORT_DATE_FORMAT")

    parts = (
        (gettext("Retiring"), m.retirements, "name", "last_day"),
        (gettext("Movements ending"), m.movements_ending, "person__full_name", "effective_end"),
        (gettext("Absences starting"), m.absences_starting, "person__full_name", "start_date"),
        (gettext("Absences ending"), m.absences_ending, "person__full_name", "end_date"),
    )
    out = []
    for title, events, name, when in parts:
        if events:
            people = ", ".join(html.escape(f"{e[name]} ({day(e[when])})") for e in events)
            out.append(f"<div><strong>{html.escape(title)}:</strong> {people}</div>")
    return "".join(out)


# The province month by month (the forecast page and ``GET /api/v1/forecast/``'s months, whose
# events the API lists apart).
FORECAST_MONTHS = Table(
    "forecast_months",
    (
        Col("day", _("Month end"), DAY),
        Col("quota", _("Quota"), INT),
        Col("establishment", _("Establishment"), INT),
        Col("coverage", _("Coverage"), INT),
        Col("establishment_shortage", _("Establishment shortage"), INT),
        Col("coverage_shortage", _("Coverage shortage"), INT),
        Col("changes", _("Changes in the month"), css="small", render=_events, api=False, excel=False),
    ),
)

# The coverage shortage per commune and field (the forecast page, with a column per month added by
# ``forecast_cells``, and the forecast API's cells, which carry the months as a list).
FORECAST_CELLS = Table(
    "forecast_cells",
    (
        Col("unit", _("Unit code"), page=False),
        Col("unit_name", _("Commune"), link=Link("unit-detail", args=("unit",))),
        Col("field", _("Field code"), page=False),
        Col("field_name", _("Field"), api=False),
        Col("quota", _("Quota"), INT),
        Col("now", _("Now"), INT),
        Col("coverage_shortage", _("Coverage shortage"), page=False),
    ),
    empty=_("No shortage now or in the next 12 months."),
)


def forecast_cell_rows(cells):
    """The forecast's cells as the table's rows: each month's shortage also under ``month_<i>``."""
    rows = []
    for c in cells:
        row = {
            "unit": c["unit"]["code"],
            "unit_name": c["unit"]["name"],
            "field": c["field"].code,
            "field_name": str(c["field"]),
            "quota": c["quota"],
            "now": c["now"],
            "coverage_shortage": c["shortages"],
        }
        for i, s in enumerate(c["shortages"]):
            row[f"month_{i}"] = s
        rows.append(row)
    return rows


def forecast_cells(months):
    """``FORECAST_CELLS`` followed by one column per month (labelled mm/yyyy) for the page."""
    per_month = tuple(
        Col(f"month_{i}", m.day.strftime("%m/%Y"), INT, css="gap-neg", css_if_value=True, api=False, excel=False)
        for i, m in enumerate(months)
    )
    return replace(FORECAST_CELLS, columns=FORECAST_CELLS.columns + per_month, _serializer={})
