"""Query conditions Django does not write the way PostgreSQL reads them best."""

from django.db.models import Lookup


class AnyOf(Lookup):
    """``lhs`` among a list of ids, as one array parameter on PostgreSQL (``= ANY(%s)``): the same
    plan as ``IN (…)``, without preparing, binding and parsing one placeholder per id (a
    province's 130 units on each staff list request). Use as ``filter(AnyOf(F("unit"), ids))``."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        return [int(v) for v in self.rhs]

    def as_sql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*params, self.rhs]
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", [*params, *self.rhs]
