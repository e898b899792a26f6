#!/usr/bin/env bash
# Sets up a machine to build and test site_builder: system packages (poppler's pdftotext reads
# the UN's PDFs; Chromium runs the accessibility tests; Java runs the Nu Html Checker, and npm
# fetches it), the checker's vnu.jar in .tools/, a virtualenv in .venv, and the project with its
# test dependencies. Safe to run again: each step skips what is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

# package:command — a package is installed only when neither it nor its command is there
# (any Java 17+ will do for vnu, not only Debian's default one).
apt_packages=(poppler-utils:pdftotext chromium:chromium default-jre-headless:java npm:npm)
missing=()
for entry in "${apt_packages[@]}"; do
  package=${entry%%:*} command=${entry#*:}
  dpkg -s "$package" >/dev/null 2>&1 || command -v "$command" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
  echo "setup: installing ${missing[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The Nu Html Checker (vnu.jar) for `site-builder check` and tests/test_site_checks.py, pinned so
# a new checker release cannot fail the tests on its own; --ignore-scripts: the package's
# postinstall would download a Java runtime when it finds none, and apt provides ours.
vnu_version=26.9.27
if ! grep -qs "\"version\": \"$vnu_version\"" .tools/node_modules/vnu-jar/package.json \
    || [ ! -f .tools/node_modules/vnu-jar/build/dist/vnu.jar ]; then
  npm install --prefix .tools --ignore-scripts --no-audit --no-fund --silent "vnu-jar@$vnu_version" >/dev/null
fi

python=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$python" -m venv .venv
# whoosh3 installs the same `whoosh` package as the old Whoosh 2.7 did: drop the old one, and
# reinstall whoosh3 in case the two shared files (pyproject.toml pins whoosh3's version).
if .venv/bin/python -m pip show -q whoosh >/dev/null 2>&1; then
  .venv/bin/python -m pip uninstall -q -y whoosh
  .venv/bin/python -m pip install -q --disable-pip-version-check --force-reinstall --no-deps whoosh3
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'
