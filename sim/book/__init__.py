"""The fund's own books: import today's accounts and loans, and project from there.

``format`` documents the columns, ``table`` and ``check`` read and check a
book strictly, ``impute`` fills in what a book does not hold about people,
``load`` starts a projection from a book and ``export`` writes one from a
simulated run.
"""
