"""A build killed at any moment (SIGKILL) leaves output/ as the old site or the new one, never a
mix and never missing; the next build succeeds and gives what a clean build gives."""

import hashlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from site_builder.build import build
from site_builder.cache import BuildCache, cache_folder

# moments to kill a build at, as shares of how long one takes here (measured first: the machine
# may be loaded, and the build grows), so that kills land both before and after the swap. The
# builds measured start from the spare; one after a kill has none and makes every file, so the
# last moment leaves it twice the time.
KILL_AT = (0.02, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 1.0, 2.5)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def two_sites(tmp_path, corpus):
    """content/ whose site can be the seed alone (old) or the seed and Tonga (new), and both
    sites as clean builds make them."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    extra = corpus / "reports" / "tonga2008.txt"
    expected = {}
    for name, with_extra in (("old", False), ("new", True)):
        target = content / "reports" / extra.name
        shutil.copy(extra, target) if with_extra else target.unlink(missing_ok=True)
        build(content, tmp_path / f"expected-{name}", incremental=False)
        expected[name] = snapshot(tmp_path / f"expected-{name}")
    (content / "reports" / extra.name).unlink()
    return content, extra, expected


def test_a_killed_build_leaves_the_old_site_or_the_new(tmp_path, two_sites):
    content, extra, expected = two_sites
    output = tmp_path / "output"
    build(content, output)
    assert snapshot(output) == expected["old"]
    # one uninterrupted build of each kind, timed, to place the kills
    timings = []
    for wanted in ("new", "old"):
        target = content / "reports" / extra.name
        shutil.copy(extra, target) if wanted == "new" else target.unlink(missing_ok=True)
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "site_builder", "build", "--content", str(content), "--output",
                        str(output)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        timings.append(time.monotonic() - started)
    assert snapshot(output) == expected["old"]
    outcomes = []
    for delay in (share * max(timings) for share in KILL_AT):
        # each build changes the site: it adds the report to the old one, or removes it from the new
        now = "old" if snapshot(output) == expected["old"] else "new"
        wanted = "new" if now == "old" else "old"
        target = content / "reports" / extra.name
        shutil.copy(extra, target) if wanted == "new" else target.unlink(missing_ok=True)
        process = subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--content", str(content),
                                    "--output", str(output)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert output.is_dir(), f"killed after {delay} s: output/ is missing"
        found = snapshot(output)
        assert found in (expected["old"], expected["new"]), f"killed after {delay} s: a mix of two sites"
        outcomes.append("published" if found == expected[wanted] else "not yet")
    # the kills landed both before and after the swap
    assert "published" in outcomes and "not yet" in outcomes, outcomes
    # a build after the crashes succeeds, reuses what it may, and gives the clean result
    before = snapshot(output)
    # A build forgets the record of output/'s files before it starts, and stores the new one
    # once it has published: killed in between (the last kill too, on a loaded machine), it
    # leaves output/ with no record, and a site without one is not trusted as a spare.
    recorded = BuildCache(cache_folder(output)).load_manifest() is not None
    result = build(content, output)
    wanted = "new" if (content / "reports" / extra.name).exists() else "old"
    assert snapshot(output) == expected[wanted] and result.pages > 0
    # nothing is left beside output/ but the site it replaced, whole, kept for the next build
    left = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".output"))
    assert left == ([".output.spare"] if recorded else []), (left, outcomes)
    if recorded:
        assert snapshot(tmp_path / ".output.spare") == before


def test_the_swap_is_one_step_on_linux(tmp_path):
    from site_builder.write import _exchange
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "in-a").touch()
    assert _exchange(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "b" / "in-a").exists() and not (tmp_path / "a" / "in-a").exists()


def test_a_site_moved_aside_by_a_killed_build_is_put_back(tmp_path):
    from site_builder.write import MARKER, clean_leftovers
    output = tmp_path / "output"
    build(ROOT / "content", output)
    published = snapshot(output)
    output.rename(tmp_path / ".output.old-abc123")  # where the two-rename swap was killed
    (tmp_path / ".output.new-def456").mkdir()
    (tmp_path / ".output.new-def456" / MARKER).touch()
    clean_leftovers(output)
    assert snapshot(output) == published
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".output.")]


def test_work_spread_over_forked_workers_comes_back_whole_and_errors_surface():
    from site_builder.errors import BuildError
    from site_builder.parallel import forked_map
    assert sorted(forked_map(lambda n: n * n, 7, workers=2)) == [n * n for n in range(7)]

    def failing(n):
        if n == 3:
            raise BuildError("template review.html:4: boom")
        return n
    with pytest.raises(BuildError, match="review.html:4: boom"):
        list(forked_map(failing, 6, workers=2))


def test_a_build_from_the_spare_turns_files_into_folders_and_folders_into_files(tmp_path):
    """What the spare has in the way (a file where a folder now goes, or the reverse) is
    replaced, and what the new site does not have is deleted."""
    from site_builder.write import Staging
    output = tmp_path / "output"
    made_from = {"x/index.html": "a", "y": "b", "z/old/index.html": "c"}
    for _ in range(2):  # the second publish keeps the first site as the spare
        with Staging(output) as staging:
            for relative in made_from:
                staging.write(relative, relative.encode())
            staging.keep_as_spare(staging.publish(set(made_from)))
    with Staging(output, spare=made_from) as staging:
        assert staging.holds("z/old/index.html", "c") and not staging.holds("y", "other")
        new = {"x": b"a file now", "y/index.html": b"a folder now"}
        for relative, data in new.items():
            staging.write(relative, data)
        staging.publish(set(new))
    found = {p.relative_to(output).as_posix(): p.read_bytes() for p in output.rglob("*") if p.is_file()}
    assert found == {**new, ".site-builder-output": found[".site-builder-output"]}
    assert not (output / "z").exists()  # its emptied folders go too
