#!/usr/bin/env bash
# Offline speech for `make run`: espeak-ng speaks the target language when no TTS key is set.
# Installed when missing and apt can install it; otherwise the offline TTS plays a tone (and says so).
set -u
if command -v espeak-ng >/dev/null 2>&1; then exit 0; fi
if command -v apt-get >/dev/null 2>&1; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
  fi
  if [ "$SUDO" != "none" ] && $SUDO apt-get install -y -q espeak-ng >/dev/null 2>&1; then
    echo "Installed espeak-ng: offline audio is real speech."
    exit 0
  fi
fi
echo "Notice: espeak-ng is not installed and could not be installed; offline audio will be a tone."
exit 0
