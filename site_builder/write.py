"""Writing output/ like a database commit.

The whole site is written into a fresh sibling folder, checked, then swapped in by renames: a
build that fails at any point leaves the published output/ exactly as it was, and files of
reports that were removed disappear with the old folder. We only ever delete folders that carry
our marker file, so a mistyped output path cannot wipe someone's directory.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from .cache import cache_folder
from .errors import BuildError

MARKER = ".site-builder-output"


def is_published_by_us(folder: Path) -> bool:
    return (folder / MARKER).is_file()


class Staging:
    """The new output folder, written beside output/ and swapped in by `publish`; removed if
    anything fails before. Used as a context manager. Files may be written from forked workers
    (each its own files)."""

    def __init__(self, output: Path):
        output = output.resolve()
        if output.exists() and not output.is_dir():
            raise BuildError(f"{output} exists and is not a folder; choose another output path")
        if output.is_dir() and any(output.iterdir()) and not is_published_by_us(output):
            raise BuildError(f"{output} holds files site-builder did not write; it will not replace "
                             "them. Empty it or choose another output path")
        output.parent.mkdir(parents=True, exist_ok=True)
        self.output = output
        self.folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def write(self, relative: str, data: bytes | Path) -> bool:
        """Write one file: its bytes, or the path of an unchanged file of the current output,
        which is hard-linked (files are never changed in place, so old and new folders can share
        them). True when bytes were written."""
        path = self.folder / relative
        if self.folder not in path.resolve().parents:
            raise BuildError(f"refusing to write outside the output folder: {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, Path):
            try:
                os.link(data, path)
            except OSError:
                shutil.copyfile(data, path)
            return False
        path.write_bytes(data)
        return True

    @contextlib.contextmanager
    def stream(self, relative: str) -> Iterator[BinaryIO]:
        """A file written piece by piece (the archive-wide exports), never held whole."""
        path = self.folder / relative
        if self.folder not in path.resolve().parents:
            raise BuildError(f"refusing to write outside the output folder: {relative}")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            yield file

    def publish(self) -> None:
        (self.folder / MARKER).write_text("written by site-builder; safe to delete\n", encoding="utf-8")
        os.chmod(self.folder, 0o755)
        _swap(self.folder, self.output)


def publish(files: dict[str, bytes | Path], output: Path) -> None:
    """Write `files` (by path relative to output/) as the new content of `output`, atomically."""
    with Staging(output) as staging:
        for relative in sorted(files):
            staging.write(relative, files[relative])
        staging.publish()


def _swap(staging: Path, output: Path) -> None:
    if output.exists() and _exchange(staging, output):
        shutil.rmtree(staging, ignore_errors=True)  # now the old site
        return
    old = None
    if output.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{output.name}.old-", dir=output.parent))
        old.rmdir()
        output.rename(old)
    try:
        staging.rename(output)
    except OSError:
        if old is not None:
            old.rename(output)  # put the published site back
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux renameat2 RENAME_EXCHANGE), so that no moment exists
    without an output/ — even if the build is killed right then. False where it is not there."""
    libc = ctypes.util.find_library("c")
    if libc is None:
        return False
    renameat2 = getattr(ctypes.CDLL(libc, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextlib.contextmanager
def exclusive(output: Path) -> Iterator[None]:
    """One build at a time per output folder: a second one refuses with a message instead of
    racing the first (and deleting its staging folder as a leftover)."""
    folder = cache_folder(output)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"another build is writing {output} right now; "
                             "wait for it to finish and build again") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def clean_leftovers(output: Path) -> None:
    """Tidy what a killed build left beside output/ (ours only): a published site moved aside
    when the kill came between two renames goes back to output/; staging folders go."""
    output = output.resolve()
    if not output.exists():
        moved = sorted(p for p in output.parent.glob(f".{output.name}.old-*") if is_published_by_us(p))
        if moved:
            moved[-1].rename(output)
    for leftover in output.parent.glob(f".{output.name}.*-*"):
        if leftover.is_dir() and (is_published_by_us(leftover) or leftover.name.startswith(f".{output.name}.new-")):
            shutil.rmtree(leftover, ignore_errors=True)
