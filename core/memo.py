"""Values kept per process for what they are a pure function of: compiled SQL, rendered fragments.

Never query results: the key holds everything the value depends on (day, units, filters,
language), so a kept value is never stale, and the least recently used go first.
"""

import threading
from collections import OrderedDict


class Kept:
    """A bounded map, safe between threads, least recently used dropped first (None is never kept)."""

    def __init__(self, size):
        self.size = size
        self._items = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self):
        return len(self._items)

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def get_or_build(self, key, build):
        """The value kept for ``key``, else ``build()``'s, kept."""
        value = self.get(key)
        return value if value is not None else self.put(key, build())

    def clear(self):
        with self._lock:
            self._items.clear()


_QUERIES = Kept(1024)


def kept_statement(key, build, *values, using="default"):
    """``(sql, params, converters)`` of the queryset ``build(*stand_ins)`` for ``values``, its SQL
    compiled once per database and ``key`` (everything else the queryset depends on).

    ``build`` is called once with stand-ins of the values' types; each compiled parameter equal to
    a stand-in takes its value. Compiling a small lookup through the ORM costs more than running
    it, and the same few run on every request (the session, the user, the unit). ``converters``:
    what the ORM applies to each column read (``kept_rows``).
    """
    from django.db import connections

    connection = connections[using]
    full_key = (connection.alias, connection.vendor, key)
    kept = _QUERIES.get(full_key)
    if kept is None:
        kept = _QUERIES.put(full_key, _compile(build, values, using))
    sql, params, slots, converters = kept
    return sql, [p if s is None else values[s] for p, s in zip(params, slots, strict=True)], converters


def kept_rows(key, build, *values, using="default", limit=None):
    """The rows (lists, converted as the ORM converts them) of ``kept_statement``."""
    from django.db import connections

    connection = connections[using]
    sql, params, converters = kept_statement(key, build, *values, using=using)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit)
    rows = [list(row) for row in rows]
    for pos, (functions, expression) in converters:
        for row in rows:
            for convert in functions:
                row[pos] = convert(row[pos], expression, connection)
    return rows


def _compile(build, values, using):
    if not all(type(v) in (int, str) for v in values):
        raise TypeError("kept queries take whole numbers and strings")
    stand_ins = tuple(-(2**62) - i if type(v) is int else f"\x1fstand-in-{i}\x1f" for i, v in enumerate(values))
    compiler = build(*stand_ins).query.get_compiler(using)
    sql, params = compiler.as_sql()
    slots = tuple(next((i for i, s in enumerate(stand_ins) if type(p) is type(s) and p == s), None) for p in params)
    if sorted(s for s in slots if s is not None) != list(range(len(values))):
        raise ValueError(f"each stand-in must appear once in the compiled parameters: {sql}")
    converters = compiler.get_converters([column for column, _sql, _alias in compiler.select])
    return sql, tuple(params), slots, tuple(converters.items())


def kept_instance(model, key, build, *values, related=(), using="default"):
    """The one ``model`` instance that ``build(*stand_ins)`` selects for ``values`` (see
    ``kept_rows``), or None. ``build`` selects the model's own columns, then those of the foreign
    keys named in ``related`` (its ``select_related``, one level), with no ``only`` or annotations."""
    rows = kept_rows(key, build, *values, using=using, limit=2)
    if len(rows) != 1:
        return None
    row, models = rows[0], [(None, model)] + [(name, model._meta.get_field(name).related_model) for name in related]
    names = [[f.attname for f in m._meta.concrete_fields] for _name, m in models]
    if len(row) != sum(map(len, names)):
        raise ValueError(f"{model.__name__}: expected the columns of {', '.join(m.__name__ for _n, m in models)}")
    objects, start = [], 0
    for (_name, m), columns in zip(models, names, strict=True):
        objects.append(m.from_db(using, columns, row[start : start + len(columns)]))
        start += len(columns)
    for (name, _m), obj in zip(models[1:], objects[1:], strict=True):
        setattr(objects[0], name, obj if obj.pk is not None else None)
    return objects[0]


_BOUND = Kept(512)


def bind(connection, sql, params):
    """``(sql, params)`` to run on ``connection``: on PostgreSQL with client-side binding (Django's
    default) the parameters written into the text, then None, as the driver writes them on every
    run; elsewhere as given."""
    server_side = connection.settings_dict["OPTIONS"].get("server_side_binding")
    if connection.vendor != "postgresql" or not params or server_side:
        return sql, params
    return connection.ops.compose_sql(sql, params), None


def run(cursor, sql, params):
    """``cursor.execute(sql, params)``; on PostgreSQL with the text that ``bind`` writes, kept per
    statement and parameters.

    Django's psycopg cursors bind on the client: each execute parses the text for placeholders and
    writes every parameter, and psycopg keeps the parse only for statements under 4 kB with at
    most 50 parameters. The report statements are longer, and the same ones run all day.
    """
    if cursor.db.vendor != "postgresql" or not params:
        cursor.execute(sql, params)
        return
    try:
        key = (sql, tuple(params))
        bound = _BOUND.get(key)
    except TypeError:  # a list among the parameters (an array): written afresh
        key = bound = None
    if bound is None:
        bound = bind(cursor.db, sql, params)
        if key is not None:
            _BOUND.put(key, bound)
    cursor.execute(*bound)
