"""Work on forked processes (site_builder/parallel.py): results and errors come back whole."""

import os

import pytest

from site_builder.errors import BuildError
from site_builder.parallel import forked_map, in_child


def test_a_forked_map_gives_every_result_once_however_its_workers_are_renewed():
    for tasks_per_worker in (None, 1, 3):
        results = list(forked_map(lambda n: (n, os.getpid()), 20, workers=2, tasks_per_worker=tasks_per_worker))
        assert sorted(n for n, _ in results) == list(range(20))
        assert os.getpid() not in {pid for _, pid in results}
    # renewed after each round of two tasks (one each, if both are free): three rounds, three pools
    results = list(forked_map(lambda n: os.getpid(), 6, workers=2, tasks_per_worker=1))
    assert len(set(results)) >= 3


def test_a_task_in_a_child_returns_its_result_from_another_process():
    big = list(range(100_000))
    pid, total = in_child(lambda: (os.getpid(), sum(big)))
    assert pid != os.getpid() and total == sum(big)


def test_a_task_in_a_child_raises_its_error_here():
    def fails():
        raise BuildError("content/reports/x.txt: not a report")
    with pytest.raises(BuildError, match="x.txt: not a report"):
        in_child(fails)


def test_what_a_child_changes_stays_in_the_child():
    seen = {"calls": 0}

    def change():
        seen["calls"] += 1
        return seen["calls"]
    assert in_child(change) == 1
    assert seen == {"calls": 0}
