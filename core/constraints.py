def constraint_message(model, name):
    """The violation message of the named database constraint (one wording for every entry point)."""
    for constraint in model._meta.constraints:
        if constraint.name == name:
            return constraint.violation_error_message
    raise LookupError(name)
