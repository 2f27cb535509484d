"""Ask the memory for an array's item a few steps ahead of a kernel's loop (issue 26).

A kernel over a batch of requests (``who``: people in row order, a tenth of them or
fewer) reads and writes each person's item in ten or so per-person arrays. The people
are far enough apart that nearly every item is a cache line of its own, and the
hardware prefetcher, which follows a few steady strides, does not see where the next
ones are: the loop waits on memory at each person (35 ns a deposit at 1,000,000
people). The loop knows where it goes, so it asks for the lines ahead of time:

    if j + AHEAD < len(who):
        prefetch(balance, who[j + AHEAD])

A prefetch is a hint (LLVM's ``llvm.prefetch``): it reads nothing into the program,
never faults (an address outside the array is not an error, only wasted), and so
changes no result.
"""

from __future__ import annotations

from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

AHEAD = 32
"""How many requests ahead to prefetch: a deposit batch at 1,000,000 people took 1.9 ms
without prefetching, 1.1, 0.83, 0.68 and 0.70 ms at 6, 12, 24 and 48 ahead."""


@intrinsic
def prefetch(typingctx, arr, index):
    """Ask for the cache line of ``arr[index]`` (a 1-d array), to be written soon."""
    if not (isinstance(arr, types.Array) and arr.ndim == 1 and isinstance(index, types.Integer)):
        return None

    def codegen(context, builder, sig, args):
        ary = context.make_array(arr)(context, builder, args[0])
        at = cgutils.get_item_pointer(context, builder, arr, ary, [args[1]], wraparound=False)
        i8p, i32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        fnty = ir.FunctionType(ir.VoidType(), [i8p, i32, i32, i32])
        fn = builder.module.declare_intrinsic("llvm.prefetch", [i8p], fnty)
        write, keep, data = ir.Constant(i32, 1), ir.Constant(i32, 3), ir.Constant(i32, 1)
        builder.call(fn, [builder.bitcast(at, i8p), write, keep, data])
        return context.get_dummy_value()

    return types.void(arr, index), codegen
