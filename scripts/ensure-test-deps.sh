#!/usr/bin/env bash
# Installs what the tests need when it is missing: cfn-lint (with pip, see below), and from Debian Chromium (the HTML
# report is opened in a real headless browser) and the PostgreSQL server (the drill's database canary runs against a
# real primary and standby). Runs before `npm test`, so a fresh machine needs nothing installed by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

# cfn-lint (Python, from PyPI): the release CI's image carries. `npm run check` lints the templates with it
# (scripts/cfn-lint.sh). Installed into a virtual environment under the ignored .cache/ when it is not on PATH.
CFN_LINT_VERSION=1.51.0
if ! command -v cfn-lint >/dev/null 2>&1 && [ ! -x .cache/cfn-lint/bin/cfn-lint ]; then
  echo "Installing cfn-lint $CFN_LINT_VERSION into .cache/cfn-lint" >&2
  if ! { python3 -m venv .cache/cfn-lint && .cache/cfn-lint/bin/pip install -q --retries 0 --timeout 15 "cfn-lint==$CFN_LINT_VERSION"; }; then
    rm -rf .cache/cfn-lint
    # A machine that reaches no PyPI still runs every other check; scripts/cfn-lint.sh says loudly that it skipped.
    echo "Could not install cfn-lint $CFN_LINT_VERSION with pip (needs python3 with venv and access to PyPI). Install it by hand (pip install --user cfn-lint==$CFN_LINT_VERSION, so that cfn-lint is on PATH); until then npm test skips the cfn-lint step." >&2
  fi
fi

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v pg_basebackup >/dev/null 2>&1 || need+=(postgresql-client)
[ "${#need[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ]; then
  sudo=""
elif command -v sudo >/dev/null 2>&1; then
  sudo="sudo"
else
  echo "The tests need Debian packages: ${need[*]}. Install them (apt-get install ${need[*]}) and run npm test again." >&2
  exit 1
fi
echo "Installing Debian packages the tests need: ${need[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
