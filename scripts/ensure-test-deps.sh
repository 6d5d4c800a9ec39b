#!/usr/bin/env bash
# Installs what the tests need from Debian when it is missing: Chromium (the HTML report is opened in a real
# headless browser) and the PostgreSQL server (the drill's database canary runs against a real primary and
# standby). Runs before `npm test`, so a fresh machine needs nothing installed by hand.
set -euo pipefail

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
