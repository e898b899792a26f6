"""The README's commands work as written: the newcomer's two lines and the publishing walkthrough."""

import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, SHARED

README = (ROOT / "README.md").read_text(encoding="utf-8")


def first_commands() -> list[str]:
    """The indented command lines that open the README."""
    lines = []
    for line in README.splitlines()[1:]:
        if line.startswith("    "):
            lines.append(line.strip())
        elif lines:
            break
    return lines


def test_the_readme_opens_with_setup_and_build_then_setup_and_test():
    build, test = first_commands()
    assert build == "bash scripts/setup.sh && .venv/bin/site-builder build"
    assert test.startswith("bash scripts/setup.sh && ") and "pytest" in test


def test_ci_runs_exactly_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == first_commands()[1]


def walkthrough() -> list[str]:
    block = re.search(r"## Publishing a new report.*?```sh\n(.*?)```", README, re.DOTALL).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_walkthrough_commands_work_as_written(tmp_path):
    if not (SHARED / "corpus" / "recent").is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    work = tmp_path / "main"
    work.mkdir()
    shutil.copytree(ROOT / "content", work / "content")
    (work / ".venv").symlink_to(ROOT / ".venv")
    (tmp_path / "shared").symlink_to(SHARED)
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", "init", "-q"], cwd=work, check=True)
    commands = walkthrough()
    assert any(c.startswith(".venv/bin/site-builder serve") for c in commands)
    for command in commands:
        if command.startswith(".venv/bin/site-builder serve"):
            continue  # runs until stopped; tests/test_serve.py drives it in a browser
        if command.startswith(".venv/bin/site-builder check") and shutil.which("java") is None:
            command += " --no-html"
        result = subprocess.run(command, shell=True, cwd=work, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    assert (work / "content" / "reports" / "A-HRC-53-11.pdf").exists()
    assert (work / "output" / "reviews" / "korea-republic" / "cycle-4" / "139.17" / "index.html").exists()
