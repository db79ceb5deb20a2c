"""A background pass on a timer, for the work `headway serve` does without a visitor.

The alert checks and the OKR baseline keeper each run one pass (`tick`) every `interval` seconds
on a daemon thread, after an optional `delay`. A pass that raises is logged and retried on the
next one, so one bad pass never stops the schedule; `stop()` wakes the thread and joins it.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("headway.serve")


class Periodic:
    """Calls `tick()` every `interval` seconds (0 turns it off) on a thread named `name`."""

    failure = "a periodic pass failed"  # the log line when a pass raises

    def __init__(self, name: str, interval: float, delay: float = 0.0) -> None:
        self.interval, self.delay = interval, delay
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def tick(self) -> object:
        raise NotImplementedError

    def start(self) -> None:
        if self.interval > 0:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=60)

    def _loop(self) -> None:
        if self._stop.wait(self.delay):
            return
        while not self._stop.is_set():
            try:
                self.tick()
            except Exception:  # logged and retried on the next pass
                log.exception(self.failure)
            self._stop.wait(self.interval)
