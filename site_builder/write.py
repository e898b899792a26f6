"""Writing output/ like a database commit.

The whole site is written into a sibling folder, checked, then swapped in by one rename: a
build that fails at any point leaves the published output/ exactly as it was. We only ever
delete folders that carry our marker file, so a mistyped output path cannot wipe someone's
directory.

The site the swap replaces is kept beside output/ as the spare (`.output.spare`), with the list
of its files and what each was made from. The next build starts from the spare rather than from
an empty folder: it rewrites only the files that differ, links those that the published site
already has right, and deletes those the new site no longer has. At 100,000 recommendations
that is a few thousand files touched to add a report instead of 133,000, and no 133,000-file
deletion after the swap. Files are never changed in place (always unlinked, then written), since
the spare, output/ and the build cache share files by hard links.
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
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from .cache import cache_folder
from .errors import BuildError

MARKER = ".site-builder-output"


def is_published_by_us(folder: Path) -> bool:
    return (folder / MARKER).is_file()


def spare_folder(output: Path) -> Path:
    output = output.resolve()
    return output.parent / f".{output.name}.spare"


class Staging:
    """The new output folder, written beside output/ and swapped in by `publish`; removed if
    anything fails before. Used as a context manager. Files may be written from forked workers
    (each its own files).

    With `spare` (the spare's files → what each was made from, as recorded when it was
    published), the spare folder becomes the staging folder, and `holds` tells which of its files
    are already right. Without it, any spare is out of date and goes."""

    def __init__(self, output: Path, spare: dict[str, str] | None = None):
        output = output.resolve()
        if output.exists() and not output.is_dir():
            raise BuildError(f"{output} exists and is not a folder; choose another output path")
        if output.is_dir() and any(output.iterdir()) and not is_published_by_us(output):
            raise BuildError(f"{output} holds files site-builder did not write; it will not replace "
                             "them. Empty it or choose another output path")
        output.parent.mkdir(parents=True, exist_ok=True)
        self.output = output
        self.folder = Path(tempfile.mkdtemp(prefix=f".{output.name}.new-", dir=output.parent))
        self.held: dict[str, str] = {}  # file already in the folder → what it was made from
        self.written: set[str] = set()  # files written by this process (workers report theirs)
        old = spare_folder(output)
        if is_published_by_us(old):
            if spare is None:
                shutil.rmtree(old, ignore_errors=True)
            else:
                self.folder.rmdir()
                old.rename(self.folder)  # from here on a kill leaves it a staging leftover
                self.held = spare

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            shutil.rmtree(self.folder, ignore_errors=True)

    def holds(self, relative: str, made_from: str) -> bool:
        """Whether the folder already has this file as made from `made_from` (kept from the
        spare); the file then counts as written."""
        # os.path rather than pathlib: called for each of the site's 130,000 files at 100k
        if self.held.get(relative) == made_from and made_from and os.path.isfile(os.path.join(self.folder, relative)):
            self.written.add(relative)
            return True
        return False

    def _new_file(self, relative: str) -> Path:
        """The path to write `relative` at, with whatever was there unlinked: it may be shared."""
        if PurePosixPath(relative).is_absolute() or ".." in PurePosixPath(relative).parts:
            raise BuildError(f"refusing to write outside the output folder: {relative}")
        path = self.folder / relative
        self.written.add(relative)
        try:
            path.unlink()
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except (FileExistsError, NotADirectoryError):
                self._make_folders(path)
        except NotADirectoryError:
            self._make_folders(path)
        except IsADirectoryError:  # the spare had a folder where this file goes
            shutil.rmtree(path)
        return path

    def _make_folders(self, path: Path) -> None:
        """The folders down to `path`, where the spare has a file in the way of one of them."""
        for folder in reversed(path.parents):
            if folder.is_relative_to(self.folder) and not folder.is_dir():
                folder.unlink(missing_ok=True)
                folder.mkdir()

    def write(self, relative: str, data: bytes | Path) -> bool:
        """Write one file: its bytes, or the path of an unchanged file of the current output,
        which is hard-linked (files are never changed in place, so old and new folders can share
        them). True when bytes were written."""
        path = self._new_file(relative)
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
        with self._new_file(relative).open("wb") as file:
            yield file

    def publish(self, files: set[str]) -> Path | None:
        """Swap the folder in as output/, once it holds exactly `files` (every file of the new
        site; what the spare had beyond them is deleted). Returns where the site it replaced
        now is, or None if there was none."""
        for relative in sorted(set(self.held) - files):
            _delete_with_empty_folders(self.folder, relative)
        marker = self._new_file(MARKER)
        marker.write_text("written by site-builder; safe to delete\n", encoding="utf-8")
        os.chmod(self.folder, 0o755)
        return _swap(self.folder, self.output)

    def keep_as_spare(self, old: Path | None) -> bool:
        """Keep the site that `publish` replaced as the next build's spare (False: none to keep)."""
        if old is None:
            return False
        try:
            old.rename(spare_folder(self.output))
        except OSError:  # a spare left there that could not all be deleted
            shutil.rmtree(old, ignore_errors=True)
            return False
        return True


def _delete_with_empty_folders(folder: Path, relative: str) -> None:
    path = folder / relative
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return  # gone, or the new site has a folder there or on the way
    for parent in path.parents:
        if parent == folder:
            break
        try:
            parent.rmdir()
        except OSError:  # not empty
            break


def publish(files: dict[str, bytes | Path], output: Path) -> None:
    """Write `files` (by path relative to output/) as the new content of `output`, atomically."""
    with Staging(output) as staging:
        for relative in sorted(files):
            staging.write(relative, files[relative])
        old = staging.publish(set(files))
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)


def _swap(staging: Path, output: Path) -> Path | None:
    """Put `staging` in the place of `output`; returns where the old site went."""
    if output.exists() and _exchange(staging, output):
        return staging  # now the old site
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
    return old


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
