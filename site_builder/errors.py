"""Errors a person can act on: each names the file and what is wrong with it."""

from __future__ import annotations

from pathlib import Path


class ReportError(Exception):
    """A report that cannot be read or parsed. The message names the file."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class BuildError(Exception):
    """The site cannot be built; the message says which file and why. output/ is left as it was."""
