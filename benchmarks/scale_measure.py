"""Running a command and measuring it: wall time, and peak memory of its whole process tree
(PSS, so that forked workers' shared pages are counted once), sampled while it runs.
Used by benchmarks/scale_build.py."""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- Measuring a command ------------------------------------------------------------------------

@dataclass
class Run:
    command: list[str]
    seconds: float  # wall
    cpu_seconds: float  # user + system, the process and its children
    max_rss: int  # bytes, the largest single process (getrusage via /usr/bin/time -v)
    tree_rss: int  # bytes, the largest sum of RSS over the process tree (sampled)
    tree_pss: int  # bytes, the same in PSS: forked workers' shared pages counted once
    returncode: int
    stdout: str
    stderr: str


def _children_by_parent() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                stat = Path(entry.path, "stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry.name))
    return children


def _memory(pid: int) -> tuple[int, int]:
    """A process's resident bytes and its proportional share of them (shared pages divided among
    the processes that map them)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    kb = dict(re.findall(r"^(Rss|Pss):\s+(\d+) kB", rollup, re.M))
    return int(kb.get("Rss", 0)) * 1024, int(kb.get("Pss", 0)) * 1024


def tree_memory(root: int) -> tuple[int, int]:
    """Resident and proportional bytes of a process and all its descendants, now."""
    children, rss, pss, todo = _children_by_parent(), 0, 0, [root]
    while todo:
        pid = todo.pop()
        resident, share = _memory(pid)
        rss, pss = rss + resident, pss + share
        todo += children.get(pid, [])
    return rss, pss


class TreeSampler(threading.Thread):
    def __init__(self, root: int, interval: float = 0.2):
        super().__init__(daemon=True)
        self.root, self.interval, self.rss, self.pss = root, interval, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.interval):
            rss, pss = tree_memory(self.root)
            self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)


def _time_report(text: str, label: str) -> float:
    found = re.search(rf"{re.escape(label)}: ([\d.]+)", text)
    return float(found.group(1)) if found else 0.0


def measure(command: list[str], env: dict[str, str] | None = None) -> Run:
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        process = subprocess.Popen(["/usr/bin/time", "-v", "-o", report.name, *command], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        sampler = TreeSampler(process.pid)
        sampler.start()
        stdout, stderr = process.communicate()
        seconds = time.perf_counter() - started
        sampler.done.set()
        sampler.join()
        usage = report.read()
    return Run(command, seconds,
               _time_report(usage, "User time (seconds)") + _time_report(usage, "System time (seconds)"),
               int(_time_report(usage, "Maximum resident set size (kbytes)")) * 1024,
               sampler.rss, sampler.pss, process.returncode, stdout, stderr)


def checked(run: Run, what: str) -> Run:
    if run.returncode != 0:
        raise SystemExit(f"{what} failed (exit {run.returncode}): {' '.join(run.command)}\n{run.stderr[-3000:]}")
    return run


def summary(run: Run) -> dict:
    """A run's figures, without its output."""
    figures = asdict(run)
    del figures["stdout"], figures["stderr"]
    return figures
