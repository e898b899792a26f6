"""HTML validity: every page of a built site through the Nu Html Checker (vnu), in one run.

vnu needs java and the jar that `scripts/setup.sh` installs into `.tools/`.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

from .check import SETUP_HINT, CheckError, Problem

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = Path(".tools/node_modules/vnu-jar/build/dist/vnu.jar")


def find_vnu_jar() -> Path:
    """vnu.jar from $VNU_JAR, else .tools/ of the current folder or of this project."""
    candidates = [Path(os.environ["VNU_JAR"])] if os.environ.get("VNU_JAR") else []
    candidates += [Path.cwd() / VNU_JAR, ROOT / VNU_JAR]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    raise CheckError(f"the Nu Html Checker is not installed: no {ROOT / VNU_JAR}; {SETUP_HINT} "
                     "(it runs `npm install --prefix .tools vnu-jar`), or set VNU_JAR")


def validate_html(folder: Path, pages: list[str] | None = None) -> list[Problem]:
    """vnu's errors for every HTML page in `folder` (or only `pages`), in one run of java."""
    java = shutil.which("java")
    if java is None:
        raise CheckError(f"java is not installed, and the Nu Html Checker needs it; {SETUP_HINT} "
                         "(it installs default-jre-headless)")
    jar = find_vnu_jar()
    folder = Path(folder).resolve()
    if pages is not None and not pages:
        return []
    targets = [str(folder)] if pages is None else [str(folder / page) for page in pages]
    # C1 only and a serial GC: vnu starts in half the time and checks a few thousand pages
    # faster than with the full JIT; it needs a deeper stack than C1's default.
    command = [java, "-Xss4m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(jar),
               "--errors-only", "--no-langdetect", "--format", "json", "--stdout", "--exit-zero-always",
               "--skip-non-html", *targets]
    result = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace")
    try:
        messages = json.loads(result.stdout)["messages"]
    except (ValueError, KeyError):
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise CheckError(f"vnu ({jar}) failed with status {result.returncode}: "
                         + (" ".join(detail[-3:]) if detail else "no output")) from None
    problems = []
    for message in messages:
        url = message.get("url", "")
        path = Path(unquote(url[len("file:"):])) if url.startswith("file:") else None
        try:
            page = path.relative_to(folder).as_posix() if path else url or str(folder)
        except ValueError:
            page = str(path)
        kind = message.get("type", "error")
        text = message.get("message", "").strip()
        if kind != "error":
            text = f"{kind}: {text}"
        extract = (message.get("extract") or "").replace("\n", " ").strip()
        if extract:
            text += f" [{extract}]"
        problems.append(Problem(page, text, message.get("lastLine")))
    return problems
