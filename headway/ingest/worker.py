"""The compactor of `headway serve` as a child process: compaction runs on its own core and its
own interpreter lock, so it never stalls the request path (in a thread it held the GIL for
hundreds of milliseconds per pass, which was most of the tracking API's p99 latency).

The server rolls its log segment, then asks for a pass with one line on the child's stdin. The
child stops when that pipe closes, so a server killed with SIGKILL leaves at most the pass in
progress behind it; that pass holds the compaction lock, and the next server's compactor waits for
it. Compaction is crash-safe on its own (see compactor.py), so a child killed mid-pass loses nothing.

    python -m headway.ingest.worker ROOT SETTINGS_JSON   (started by CompactorProcess, not by hand)
"""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO

from headway.ingest.log import EventLog
from headway.spec.ingest_settings import IngestSettings

LOG = logging.getLogger("headway.ingest")
PASS = b"pass\n"
LAST = b"last\n"  # a final pass, then exit (the server is stopping)


class CompactorProcess:
    """The server side: roll the log every `interval` seconds and ask the child for a pass."""

    def __init__(self, root: Path, settings: IngestSettings, log: EventLog):
        self.root = root
        self.settings = settings
        self.log = log
        self.interval = settings.visible_within_s
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._tick, name="headway-compaction-clock", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        command = [sys.executable, "-m", "headway.ingest.worker", str(self.root), self.settings.model_dump_json()]
        # the child imports this very copy of headway (not another one installed in the environment)
        paths = [str(Path(__file__).resolve().parents[2]), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        # its own session: Ctrl-C in a terminal stops the server, which then stops the child through
        # the pipe after a last pass, instead of killing the child mid-pass
        self._child = subprocess.Popen(command, stdin=subprocess.PIPE, close_fds=True, env=env, start_new_session=True)

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.ask(PASS)
            except Exception:  # keep serving: the events stay in the log, and the next tick retries
                LOG.exception("could not start a compaction pass")

    def ask(self, command: bytes) -> None:
        """Close the open segment (it becomes the compactor's) and ask for a pass over closed ones."""
        with self._lock:
            self.log.roll()
            child = self._child
            if child is None or child.poll() is not None:
                LOG.warning("the compactor process had stopped (exit %s); starting another", child and child.returncode)
                self._spawn()
                child = self._child
            assert child is not None and child.stdin is not None
            try:
                child.stdin.write(command)
                child.stdin.flush()
            except BrokenPipeError:  # it died between poll() and write(): the next tick starts another
                LOG.warning("the compactor process stopped")

    def stop(self, timeout: float = 120) -> None:
        """A last pass publishes what the log holds, then the child exits."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)
        if self._child is None:
            return
        try:
            self.ask(LAST)
        finally:
            child = self._child  # ask() replaces a child that had died
            assert child is not None
            try:
                if child.stdin is not None:
                    child.stdin.close()
            except BrokenPipeError:  # it died with the command unread: nothing left to tell it
                pass
            try:
                child.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                child.kill()  # compaction is crash-safe: the next start redoes the segment
                child.wait()


def serve(root: Path, settings: IngestSettings, commands: IO[bytes]) -> None:
    """The child's loop: one pass per command line, until `last` or the pipe closes."""
    from headway.ingest.compactor import Compactor

    compactor = Compactor(root, settings)
    try:
        compactor.recover()
        for line in iter(commands.readline, b""):
            # a pass allocates many short-lived objects and no cycles: the cyclic GC only costs time
            gc.disable()
            try:
                compactor.run_pass()
            except Exception:  # the next pass retries the same segments
                LOG.exception("compaction failed")
            finally:
                gc.enable()
            if line == LAST:
                return
    finally:
        compactor.close()


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    serve(Path(sys.argv[1]), IngestSettings.model_validate_json(sys.argv[2]), sys.stdin.buffer)
