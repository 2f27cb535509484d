"""Ctrl-C stops a run's workers at once and leaves nothing for the interpreter to wait on at
exit (``sim.engine.montecarlo._stop_now``; found in review: the fix first looked up the pool's
result queue after ``shutdown()`` had forgotten it)."""


def test_stop_now_closes_the_result_pipe_it_says_it_closes():
    """montecarlo._stop_now calls pool.shutdown() before it looks up pool._result_queue, and
    shutdown() sets ``_result_queue = None`` (CPython 3.11 concurrent/futures/process.py), so
    the write end is never closed: the fix of f8d3e85 does nothing and the Ctrl-C hang it
    describes can still happen. Fix: take the writer before shutdown()."""
    import multiprocessing as mp
    import time
    from concurrent.futures import ProcessPoolExecutor

    from sim.engine.montecarlo import _stop_now

    pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"))
    pool.submit(time.sleep, 30)
    deadline = time.time() + 30
    while not any(p.is_alive() for p in (pool._processes or {}).values()):
        assert time.time() < deadline
        time.sleep(0.1)
    queue = pool._result_queue
    _stop_now(pool)
    assert queue._writer.closed
