"""Work spread over the machine's cores by forking.

Forked children see the parent's data as it was — the archive, the pages, the templates — so
nothing big is pickled on the way in; each task writes its own files and sends back only a
small summary. Where fork is not available, or one core is, or the caller is not the main
thread, tasks run in this process.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import multiprocessing
import os
import pickle
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any

_TASK: Callable[[int], Any] | None = None  # the task of the running forked_map, for the children


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _die_with_parent() -> None:
    """A worker whose build is killed stops too, instead of writing on into a dead staging folder."""
    libc = ctypes.util.find_library("c")
    if libc is not None:
        pr_set_pdeathsig = 1
        ctypes.CDLL(libc).prctl(pr_set_pdeathsig, signal.SIGKILL)


def _run(index: int) -> Any:
    return _TASK(index)


def forked_map(task: Callable[[int], Any], count: int, workers: int | None = None,
               tasks_per_worker: int | None = None) -> Iterator[Any]:
    """task(0) … task(count − 1) on every core; results as they come (in any order). A task's
    exception is raised here. With `tasks_per_worker`, the workers are replaced by fresh forks
    after each round of workers × tasks_per_worker tasks: a worker that reads much of the
    parent's data (rendering pages touches the reference counts of the whole archive) copies it
    page by page into memory of its own, and a fresh one starts sharing it again."""
    global _TASK
    workers = min(workers or cores(), count)
    # Forking from a thread (serve rebuilds in its watcher's thread) could copy a lock another
    # thread holds: there, and without fork, the tasks run here.
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods() \
            or threading.current_thread() is not threading.main_thread():
        yield from (task(index) for index in range(count))
        return
    _TASK = task
    # The collector would write to every object the workers inherit, turning the pages they
    # share with this process into copies of their own; frozen objects it leaves alone.
    gc.freeze()
    try:
        # Renewed by a new pool for each round of tasks: a pool's own renewal (maxtasksperchild)
        # forks from its helper thread, and a worker told to die with its parent thread dies.
        step = workers * tasks_per_worker if tasks_per_worker else count
        for start in range(0, count, step):
            with multiprocessing.get_context("fork").Pool(workers, initializer=_die_with_parent) as pool:
                yield from pool.imap_unordered(_run, range(start, min(count, start + step)))
    finally:
        _TASK = None
        gc.unfreeze()


def in_child(task: Callable[[], Any]) -> Any:
    """task() run in a forked child, its result sent back pickled (its exception raised here).
    What the task allocates on the way — the search stage's analysis of the whole archive — is
    handed back to the system when the child ends, instead of staying in this process's heap
    (Python seldom returns freed memory) for the rest of the build and in every fork after it."""
    if "fork" not in multiprocessing.get_all_start_methods() \
            or threading.current_thread() is not threading.main_thread():
        return task()
    with tempfile.TemporaryFile() as channel:
        gc.freeze()  # as in forked_map: the child shares this process's objects, unwritten
        try:
            pid = os.fork()
            if pid == 0:  # the child: run, write the outcome, and leave without any cleanup of ours
                status = 0
                try:
                    _die_with_parent()
                    outcome: tuple[bool, Any] = (True, task())
                except BaseException as error:  # noqa: BLE001 - every failure is the parent's to raise
                    outcome = (False, error)
                try:
                    pickle.dump(outcome, channel, protocol=pickle.HIGHEST_PROTOCOL)
                    channel.flush()
                except BaseException:  # noqa: BLE001 - an outcome that cannot be sent
                    status = 1
                os._exit(status)
            _, status = os.waitpid(pid, 0)
        finally:
            gc.unfreeze()
        if status != 0:
            raise RuntimeError(f"a forked worker ended with status {status}")
        channel.seek(0)
        succeeded, value = pickle.load(channel)
    if not succeeded:
        raise value
    return value
