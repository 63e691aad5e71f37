#!/usr/bin/env bash
# The browser tests (pytest -m browser) drive Debian's Chromium through Playwright; Playwright's
# own browser download cannot work here. Install the distribution package when it is missing.
# Never fails the run: without Chromium those tests skip and say why.
set -uo pipefail

[ -x /usr/bin/chromium ] && exit 0
if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "Chromium is missing; installing Debian's chromium package for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q chromium >/dev/null 2>&1; then
    # A fresh machine has no package lists yet.
    apt-get update -q >/dev/null 2>&1 && apt-get install -y -q chromium >/dev/null 2>&1
  fi
  [ -x /usr/bin/chromium ] || echo "warning: could not install chromium; browser tests will be skipped" >&2
else
  echo "warning: no /usr/bin/chromium and no apt-get as root; browser tests will be skipped" >&2
fi
exit 0
