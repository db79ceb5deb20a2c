"""The data versions a cached JSON twin is keyed by, listed where it costs a request least.

A cached answer is served on the event loop: a sync endpoint's hop to a worker thread and back (and
the GIL hand-offs around it), not the work, capped the overview near 180 requests/s on 2 cores. The
listing of the data files that checks the cache is still current stays on the loop too while it is
quick; with thousands of files or a slow file system it goes to a worker, so it never holds up
other requests.
"""

from __future__ import annotations

import time

from starlette.concurrency import run_in_threadpool

from headway.serve.state import ServerState

LOOP_LISTING_SECONDS = 0.003  # a listing this quick costs the loop less than a hop to a thread and back


async def data_versions(state: ServerState) -> tuple[tuple[str, str], ...]:
    """Every source's data version now. On the loop while one of the last eight listings was quick: a
    single listing slowed by the machine's load does not send the rest to workers."""

    def timed() -> tuple[tuple[str, str], ...]:
        started = time.perf_counter()
        try:
            return state.engine.data_versions()
        finally:
            state.listings.append(time.perf_counter() - started)

    if state.listings and min(state.listings) <= LOOP_LISTING_SECONDS:
        return timed()
    return await run_in_threadpool(timed)
