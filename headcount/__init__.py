"""The headcount rule (DESIGN §4): quota, on roll, seconded out and in, absent, effective, gap.

``rules`` holds the formulas once; ``selectors`` asks the database for the parts, per unit × field
(× category), on any date. Pages, the API and exports only call these.
"""
