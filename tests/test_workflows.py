"""The GitHub Actions workflow: valid (actionlint), shaped as promised, and its summary script."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SEED

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
SITE = ROOT / ".github" / "workflows" / "site.yml"
SUMMARY = ROOT / "scripts" / "ci_report_summary.py"


def _actionlint() -> str:
    # The `test` extra installs it into the virtualenv; any actionlint on PATH does as well.
    beside_python = Path(sys.executable).parent / "actionlint"
    found = str(beside_python) if beside_python.exists() else shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: run `bash scripts/setup.sh` (the `test` extra brings it)")
    return found


def _run_actionlint(*files: Path) -> subprocess.CompletedProcess:
    # actionlint runs shellcheck on each `run:` script when it is installed (`-shellcheck=` skips).
    shellcheck = shutil.which("shellcheck") or ""
    return subprocess.run([_actionlint(), "-no-color", f"-shellcheck={shellcheck}", *map(str, files)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_actionlint_accepts_every_workflow():
    assert WORKFLOWS, "no workflow in .github/workflows/"
    result = _run_actionlint(*WORKFLOWS)
    assert result.returncode == 0, f"actionlint:\n{result.stdout}{result.stderr}"


def test_actionlint_does_reject_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n"
                      "    steps:\n      - run: echo ${{ github.nonsense }}\n", encoding="utf-8")
    result = _run_actionlint(broken)
    assert result.returncode == 1 and "nonsense" in result.stdout


# --- the workflow's shape -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(SITE.read_text(encoding="utf-8"))


def _triggers(workflow: dict) -> dict:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def test_runs_on_pushes_and_pull_requests_that_touch_content(workflow):
    triggers = _triggers(workflow)
    for event in ("push", "pull_request"):
        assert "content/**" in triggers[event]["paths"], event
        assert ".github/workflows/site.yml" in triggers[event]["paths"], event
    assert triggers["push"]["paths"] == triggers["pull_request"]["paths"]


def test_least_privilege(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    assert all("permissions" not in job for job in workflow["jobs"].values())


def test_runs_the_readme_test_command_exactly(workflow):
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    commands = [line.strip() for line in readme if line.startswith("    ")][:2]
    test_command = commands[1].split("&&")[-1].strip()
    assert test_command == ".venv/bin/python -m pytest -n 2"
    runs = [step["run"].strip() for step in _steps(workflow) if "pytest" in step.get("run", "")]
    assert runs == [test_command]
    assert any(step.get("run", "").strip() == "bash scripts/setup.sh" for step in _steps(workflow))


def test_summarises_builds_and_checks(workflow):
    runs = [step.get("run", "") for step in workflow["jobs"]["site"]["steps"]]
    order = [next(i for i, run in enumerate(runs) if needle in run) for needle in
             ("setup.sh", "pytest", "ci_report_summary.py --base", "site-builder build", "site-builder check")]
    assert order == sorted(order)


def test_the_build_starts_from_the_last_runs_output_and_cache(workflow):
    """Restored before the build (tests/test_incremental.py shows a restored build is
    incremental and gives the clean result), saved under each commit, found by prefix."""
    steps = workflow["jobs"]["site"]["steps"]
    build = next(i for i, step in enumerate(steps) if "site-builder build" in step.get("run", ""))
    restore = [i for i, step in enumerate(steps) if "output" in step.get("with", {}).get("path", "").split()]
    assert restore and restore[0] < build
    cache = steps[restore[0]]
    assert cache["uses"].startswith("actions/cache@")
    assert set(cache["with"]["path"].split()) == {"output", ".site-builder-cache-output"}
    assert "${{ github.sha }}" in cache["with"]["key"]
    assert cache["with"]["key"].startswith(cache["with"]["restore-keys"])


def test_deploys_only_from_main_pushes_with_the_two_secrets(workflow):
    deploy = workflow["jobs"]["deploy"]
    condition = deploy["if"].replace(" ", "")
    assert condition == "github.event_name=='push'&&github.ref=='refs/heads/main'"
    assert deploy["concurrency"]["cancel-in-progress"] is False
    step = next(step for step in deploy["steps"] if "netlify-cli" in step.get("run", ""))
    assert "deploy --dir=output --prod" in step["run"]
    assert step["env"] == {"NETLIFY_AUTH_TOKEN": "${{ secrets.NETLIFY_AUTH_TOKEN }}",
                           "NETLIFY_SITE_ID": "${{ secrets.NETLIFY_SITE_ID }}"}
    # Secrets reach the deploy job only, never the steps that run the project's code.
    assert "secrets." not in yaml.safe_dump(workflow["jobs"]["site"])


# --- scripts/ci_report_summary.py ---------------------------------------------------------------

def _summary(*args: str, cwd: Path = ROOT, summary_file: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_STEP_SUMMARY"}
    if summary_file is not None:
        env["GITHUB_STEP_SUMMARY"] = str(summary_file)
    return subprocess.run([sys.executable, str(SUMMARY), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_summary_of_the_seed(tmp_path):
    summary_file = tmp_path / "summary.md"
    result = _summary(str(SEED), summary_file=summary_file)
    assert result.returncode == 0, result.stderr
    markdown = summary_file.read_text(encoding="utf-8")
    for expected in ("Kazakhstan", "A/HRC/28/10", "143 supported", "51 noted", "| Cycle | 2 "):
        assert expected in markdown
    assert "::error" not in result.stdout


def test_a_broken_report_fails_naming_the_file_and_why(tmp_path):
    broken = tmp_path / "A-HRC-99-1.txt"
    broken.write_text(SEED.read_text(encoding="utf-8")[:30000], encoding="utf-8")  # cut short
    result = _summary(str(broken), str(SEED))
    assert result.returncode == 1
    assert f"::error file={broken}" in result.stdout
    error = next(line for line in result.stdout.splitlines() if line.startswith("::error"))
    assert "A-HRC-99-1.txt: is truncated" in error
    assert "Kazakhstan" in result.stdout  # what could be summarised still is


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path) -> Path:
    (tmp_path / "content" / "reports").mkdir(parents=True)
    (tmp_path / "README.md").write_text("reports\n", encoding="utf-8")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-q", "-m", "start")
    return tmp_path


def test_lists_the_reports_changed_since_base(repo):
    shutil.copy(SEED, repo / "content" / "reports" / SEED.name)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add a report")
    result = _summary("--base", "HEAD~1", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert f"`content/reports/{SEED.name}`" in result.stdout
    assert "Kazakhstan" in result.stdout and "143 supported" in result.stdout


def test_no_changed_reports(repo):
    shutil.copy(SEED, repo / "content" / "reports" / SEED.name)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add a report")
    (repo / "README.md").write_text("reports, and more\n", encoding="utf-8")
    _git(repo, "rm", "-q", f"content/reports/{SEED.name}")  # a removed report is not summarised
    _git(repo, "commit", "-q", "-am", "edit the README, remove the report")
    result = _summary("--base", "HEAD~1", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "no reports changed" in result.stdout.lower()
    assert "Kazakhstan" not in result.stdout


def test_a_base_outside_the_history_summarises_every_report(repo):
    shutil.copy(SEED, repo / "content" / "reports" / SEED.name)
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "add a report")
    result = _summary("--base", "0" * 40, cwd=repo)  # the `before` of a branch's first push
    assert result.returncode == 0, result.stderr
    assert "every report is summarised" in result.stdout and "Kazakhstan" in result.stdout
