"""Progress of long work: a `rich` bar on a terminal, a plain line per stage elsewhere (CI logs),
nothing at all for library callers and tests."""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO


class Progress:
    """Silent; the base for the two that speak."""

    @contextlib.contextmanager
    def stage(self, name: str, total: int) -> Iterator[Callable[[], None]]:
        yield lambda: None


def memory_in_use() -> str:
    """This process's resident memory now and at its peak, for the logs of big builds (Linux;
    elsewhere nothing). Forked workers' memory is their own."""
    try:
        import resource

        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (ImportError, OSError, IndexError, ValueError):
        return ""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024  # kB on Linux
    return f"; {pages * os.sysconf('SC_PAGE_SIZE') // 2**20} MB in use, peak {peak} MB"


class PlainProgress(Progress):
    """One line when a stage ends: `Parsing reports: 26 in 2.3 s; 212 MB in use`."""

    def __init__(self, stream: TextIO = sys.stderr):
        self.stream = stream

    @contextlib.contextmanager
    def stage(self, name: str, total: int) -> Iterator[Callable[[], None]]:
        started = time.perf_counter()
        yield lambda: None
        print(f"{name}: {total} in {time.perf_counter() - started:.1f} s{memory_in_use()}", file=self.stream,
              flush=True)


class BarProgress(Progress):
    """A bar per stage, for people watching a terminal."""

    def __init__(self, stream: TextIO = sys.stderr):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as RichProgress

        self._bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=Console(file=stream), transient=False)

    @contextlib.contextmanager
    def stage(self, name: str, total: int) -> Iterator[Callable[[], None]]:
        with self._bar:
            task = self._bar.add_task(name, total=total)
            yield lambda: self._bar.advance(task)
            self._bar.update(task, completed=total)


def for_terminal(stream: TextIO = sys.stderr) -> Progress:
    """A bar where a person watches, plain lines where a log collects (CI sets CI=true)."""
    if stream.isatty() and not os.environ.get("CI"):
        return BarProgress(stream)
    return PlainProgress(stream)
