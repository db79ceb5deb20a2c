"""The append-only log: an accepted event is on disk (fsync'd) before the client hears 200.

Writers hand their lines to one thread that writes everything queued so far and fsyncs once
(group commit), so many concurrent requests share one fsync. The log is a series of numbered
segments; the compactor asks for a new one (`roll`) and then owns the closed ones. A crash can leave
a torn last line in the open segment: it was never acknowledged, and the reader skips it.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import orjson

SEGMENT_GLOB = "seg-*.log"


def encode(record: dict[str, Any]) -> bytes:
    """One log line (orjson: datetimes as ISO 8601, text as UTF-8)."""
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


def segment_number(path: Path) -> int:
    return int(path.stem.split("-")[1])


def read_segment(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for every whole line; a torn or unreadable line is skipped."""
    with path.open("rb") as handle:
        for number, line in enumerate(handle):
            if not line.endswith(b"\n"):
                return  # torn tail: the write never completed, so it was never acknowledged
            try:
                yield number, orjson.loads(line)
            except orjson.JSONDecodeError:
                continue


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def try_claim(path: Path) -> Any:
    """An open handle holding the segment's lock, or None while a writer still has it open."""
    handle = path.open("rb")
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


class EventLog:
    """Segments `seg-NNNNNNNN.log` in one folder, shared by several processes (server, imports).

    A writer holds an exclusive lock on its open segment; a segment nobody holds is closed and
    belongs to the compactor. Numbers come from the ingest database and are never reused.
    """

    def __init__(self, folder: Path, allocate: Callable[[], int]):
        self.folder = folder
        self._allocate = allocate  # segment numbers must never repeat: a compacted number is skipped
        folder.mkdir(parents=True, exist_ok=True)
        self._number = 0
        self._lock = threading.Lock()
        self._handle = self._open_next()
        self._pending: list[tuple[bytes, Future[None]]] = []
        self._wake = threading.Condition()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="headway-log", daemon=True)
        self._thread.start()

    def _open_next(self) -> Any:
        while True:
            number = self._allocate()
            try:
                handle = (self.folder / f"seg-{number:08d}.log").open("xb", buffering=0)
            except FileExistsError:
                continue
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            fsync_dir(self.folder)
            self._number = number
            return handle

    def current(self) -> int:
        return self._number

    def roll(self) -> None:
        """Close the current segment (for the compactor) and open a new one, if it holds anything."""
        with self._lock:
            if self._handle.tell() == 0:
                return
            old, self._handle = self._handle, self._open_next()
            old.close()

    def write(self, data: bytes) -> None:
        """Append and fsync now (for one writer, such as a file import)."""
        with self._lock:
            self._handle.write(data)
            os.fsync(self._handle.fileno())

    def submit(self, data: bytes) -> Future[None]:
        """Queue for the next group commit; the future completes once the data is on disk."""
        future: Future[None] = Future()
        with self._wake:
            if self._closed:
                raise RuntimeError("the event log is closed")
            self._pending.append((data, future))
            self._wake.notify()
        return future

    async def append(self, data: bytes) -> None:
        await asyncio.wrap_future(self.submit(data))

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                batch, self._pending = self._pending, []
                if not batch and self._closed:
                    return
            try:
                self.write(b"".join(data for data, _ in batch))
            except BaseException as error:  # the disk failed: no one gets a 200
                for _, future in batch:
                    future.set_exception(error)
                continue
            for _, future in batch:
                future.set_result(None)

    def close(self) -> None:
        with self._wake:
            self._closed = True
            self._wake.notify()
        self._thread.join(timeout=10)
        with self._lock:
            empty = self._handle.tell() == 0
            self._handle.close()
            if empty:
                (self.folder / f"seg-{self._number:08d}.log").unlink(missing_ok=True)
