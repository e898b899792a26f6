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
import queue
import signal
import tempfile
import threading
import time
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


def _start_worker() -> None:
    """A pool's worker dies with its parent, and collects its own garbage, which the build pauses
    in the parent (build.collector_paused): a renderer runs task after task."""
    _die_with_parent()
    gc.enable()


# A worker reads its memory after each task but a quick one, and after a quick one too once this
# long has passed since it last did: a read costs about 10 ms in a process holding 400 MB of
# small objects, as a renderer forked from a build of 100,000 recommendations does, and most of
# the 791 tasks of a build with nothing to render take a few ms. A task that renders pages takes
# longer, and is read after, as before.
QUICK_TASK = 0.05  # seconds
MEMORY_READ_EVERY = 0.2  # seconds
_memory_read_at = 0.0


def _run(index: int) -> tuple[Any, int]:
    """The task's result, and the worker's memory of its own (0: not read this time)."""
    global _memory_read_at
    started = time.monotonic()
    result = _TASK(index)
    now = time.monotonic()
    if now - started < QUICK_TASK and now - _memory_read_at < MEMORY_READ_EVERY:
        return result, 0
    _memory_read_at = now
    return result, _private_bytes()


def _private_bytes() -> int:
    """This process's memory of its own: what it allocated, and what it copied of the memory it
    shares with its parent by writing to it (Linux's Private_Dirty). 0 where that is not known."""
    try:
        with open("/proc/self/smaps_rollup", "rb") as file:
            for line in file:
                if line.startswith(b"Private_Dirty:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def forked_map(task: Callable[[int], Any], count: int, workers: int | None = None,
               renew_above: int | None = None) -> Iterator[Any]:
    """task(0) … task(count − 1) on every core; results as they come (in any order). A task's
    exception is raised here. With `renew_above`, the workers are replaced by fresh forks once
    one holds that many bytes of memory of its own, or more, after a task (quick tasks are read
    together: `_run`): a worker that reads much of the parent's data (rendering pages touches the
    reference counts of the whole archive) copies it page by page, and a fresh one starts
    sharing it again. Renewing by
    memory rather than by a count of tasks: a task that reuses last build's pages copies little,
    and at 100,000 recommendations renewing every 10 tasks took 7 s of a 20 s no-op build."""
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
        started = 0
        while started < count:
            # Renewed as a whole pool: a pool's own renewal (maxtasksperchild) forks from its
            # helper thread, and a worker told to die with its parent thread dies.
            pool = multiprocessing.get_context("fork").Pool(workers, initializer=_start_worker)
            try:
                done: queue.SimpleQueue = queue.SimpleQueue()  # (result, bytes) or the error, as they come
                running, renew = 0, False
                while running or (started < count and not renew):
                    # one task per worker at a time: a worker past the limit takes no more
                    # than one task besides the one it has
                    while not renew and started < count and running < workers:
                        pool.apply_async(_run, (started,), callback=done.put, error_callback=done.put)
                        started, running = started + 1, running + 1
                    outcome = done.get()
                    running -= 1
                    if isinstance(outcome, BaseException):
                        raise outcome
                    result, private = outcome
                    renew = renew or (renew_above is not None and private >= renew_above)
                    yield result
            except (KeyboardInterrupt, SystemExit):
                pool.terminate()
                raise
            finally:
                # Closed and joined, not terminated (what `with pool` does): terminating kills a
                # worker that may be halfway through sending a result, holding the results
                # queue's lock, and the pool then waits on that lock for ever (CPython issue
                # 96995; it hung a test run here after a task's error). At most one task per
                # worker is still running, and it is left to finish.
                pool.close()
                pool.join()
    finally:
        _TASK = None
        gc.unfreeze()


def in_child(task: Callable[[], Any]) -> Any:
    """task() run in a forked child, its result sent back pickled (its exception raised here).
    What the task allocates on the way — the search stage's analysis of the whole archive — is
    handed back to the system when the child ends, instead of staying in this process's heap
    (Python seldom returns freed memory) for the rest of the build and in every fork after it.
    The child collects garbage as this process does: not during a build, where the search
    stage's child at 100k was 2 s faster (17.9 vs 19.9 s) for 9 MB more (652 vs 643 MB)."""
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
