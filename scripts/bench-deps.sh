#!/usr/bin/env bash
# Installs what `make bench` needs beyond the test suite, only when missing: Debian's `hey`
# (the HTTP load generator for the overview load test).
set -euo pipefail
if ! command -v hey >/dev/null 2>&1; then
  echo "installing system packages: hey"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends hey >/dev/null
fi
