"""Large freed arrays go back to the operating system (issue 26: peak memory a person).

glibc's ``malloc`` serves a request above its *mmap threshold* with a mapping of its own,
unmapped when freed; below it, from the heap, where a freed block stays resident until it
is reused. The threshold starts at 128 KiB but rises to the size of every large block
freed (up to 32 MiB), so after a population's first month its request arrays, masks and
other month temporaries (a few MiB each at 1,000,000 people) all come from the heap, which
keeps every month's high-water mark of them resident and fragments as the accounts grow:
about 25 bytes a person at 1,000,000 × 120 (the peak 228 → 203 bytes a person, one path,
one thread; the CPU time within the noise, 7.0–7.6 s either way).
:func:`release_large_blocks` fixes the threshold at :data:`MMAP_THRESHOLD`, so that an
array of more than 131,072 int64 is mapped and returned when freed. Arrays smaller than
that — every array of a path of the Monte Carlo's 50,000 people but its int64 columns
over everyone — are not affected.

It is set once a process, when people are built (:class:`sim.agents.people.People`), on
glibc only (elsewhere there is nothing to set), and not over a user's own
``MALLOC_MMAP_THRESHOLD_``.
"""

from __future__ import annotations

import ctypes
import functools
import os

MMAP_THRESHOLD = 1 << 20
"""Bytes from which an allocation is a mapping of its own (1 MiB)."""

_M_MMAP_THRESHOLD = -3  # glibc's malloc.h


@functools.cache
def release_large_blocks() -> bool:
    """Fix glibc's mmap threshold at :data:`MMAP_THRESHOLD`; whether it was set."""
    if "MALLOC_MMAP_THRESHOLD_" in os.environ:
        return False  # the user's choice
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's C library
    except (AttributeError, OSError, TypeError):
        return False  # not glibc
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    return mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
