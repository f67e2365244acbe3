#!/usr/bin/env bash
# Installs what building, testing and running the extension need, skipping whatever is already there, so a
# fresh machine and an equipped one take the same path. Used by test.sh and start.sh.
#
#   eval "$(bash scripts/prereqs.sh)"                    everything, and exports CODE_SERVER_ENTRY/CODE_SERVER_NODE
#   eval "$(bash scripts/prereqs.sh --no-code-server)"   without code-server (when no extension-host test runs)
#
# stdout carries only the export line; progress goes to stderr.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
cd "$here/.."

with_code_server=1
case ${1:-} in
  '') ;;
  --no-code-server) with_code_server= ;;
  *) die "usage: $0 [--no-code-server]" ;;
esac

# A Docker engine and the static busybox for test images; chromium drives the workbench; libkrb5-dev is a
# build dependency of code-server's native modules.
apt_ensure docker.io busybox-static chromium libkrb5-dev
# The remote-engine tests (test/engine/remote.test.ts): test certificates (openssl), an SSH engine (openssh-server;
# the tests run their own sshd on 127.0.0.1 with their own config), a TCP relay into a private engine's network
# namespace (socat, iproute2), and Podman's Docker-compatible service. podman installs beside docker.io and
# removes nothing; the tests give it storage and configuration of its own.
apt_ensure openssl openssh-server socat iproute2 podman

# npm writes node_modules/.package-lock.json on every install: older than package-lock.json (or missing)
# means node_modules does not match the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies (npm ci)..."
  npm ci --no-audit --no-fund >&2
fi

if [ -n "$with_code_server" ]; then
  # Cached outside the clone (about 3 minutes the first time, then a no-op); prints the export line.
  bash "$here/setup-code-server.sh"
fi
