"""The fund's own books: import today's accounts and loans, and project from there.

``format`` documents the columns (and their Chinese headers), ``sheet``
reads a centre's CSV (UTF-8 or GBK) or Excel file, ``table`` and ``check``
read and check a book strictly, ``template`` writes an empty one to fill,
``impute`` fills in what a book does not hold about people, ``load`` starts
a projection from a book and ``export`` writes one from a simulated run.
"""
