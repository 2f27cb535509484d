"""A kernel's private copy of a small read-only table, on its stack (issue 26).

LLVM vectorizes a loop that reads a table at computed places (a gather: a cohort's
parameter, a quantile) only if it can prove that the loop's stores do not write the table.
numba gives it no such proof for two arrays passed in, so such a loop stays scalar. A copy
on the kernel's own stack that never leaves it is memory no other pointer reaches: LLVM
knows the stores miss it, and vectorizes (with AVX-512, 16 float32 at a time).

    table = on_stack(params, 1024)  # in a kernel: a copy of up to 1,024 items

The copy costs a ``memcpy`` a call; it must not be returned or stored (it lives as long as
the call). ``capacity`` must be a constant (a literal or a module-level int). The caller
checks that the table fits (:func:`fits`): of a larger one only ``capacity`` items are
copied, and reading past them reads the stack.
"""

from __future__ import annotations

import numba
import numpy as np
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic
from numba.np.arrayobj import make_array, populate_array


@intrinsic
def on_stack(typingctx, arr, capacity):
    """A C-contiguous array's first ``capacity`` items (a literal int), copied to the
    calling kernel's stack, as an array of the same type and shape."""
    if not (
        isinstance(arr, types.Array)
        and arr.layout == "C"
        and isinstance(capacity, types.IntegerLiteral)
    ):
        return None
    cap = int(capacity.literal_value)

    def codegen(context, builder, sig, args):
        src = make_array(arr)(context, builder, args[0])
        buf = cgutils.alloca_once(builder, context.get_data_type(arr.dtype), size=cap)
        limit = ir.Constant(src.nitems.type, cap)
        n = builder.select(builder.icmp_unsigned("<", src.nitems, limit), src.nitems, limit)
        item = context.get_abi_sizeof(context.get_data_type(arr.dtype))
        cgutils.raw_memcpy(builder, buf, src.data, n, item)
        out = make_array(arr)(context, builder)
        populate_array(
            out,
            data=buf,
            shape=src.shape,
            strides=src.strides,
            itemsize=src.itemsize,
            meminfo=None,
        )
        return out._getvalue()

    return arr(arr, capacity), codegen


@numba.njit(inline="always")
def fits(arr: np.ndarray, capacity: int) -> bool:
    """Whether ``arr`` fits a copy of ``capacity`` items (check before :func:`on_stack`)."""
    return arr.size <= capacity
