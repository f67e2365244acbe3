#!/usr/bin/env bash
# Builds the images the tests run, offline: nothing can be pulled on these machines. Idempotent: an image that
# already exists is left alone. Talks to the engine at $DOCKER_HOST (the CLI's default when unset).
#
#   test/busybox:1   Debian's static busybox with one symlink per applet in /bin, PATH=/bin
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"

IMAGE=test/busybox:1

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  say "$IMAGE already exists"
  exit 0
fi

# The image has no libc, so the binary must be the static one (busybox-static), not Debian's dynamic busybox.
bb=/bin/busybox
if [ ! -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
  apt_ensure busybox-static
fi
if [ ! -x "$bb" ] || ldd "$bb" >/dev/null 2>&1; then
  die "$bb is not a static busybox (install busybox-static)"
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir "$root/bin"
cp "$bb" "$root/bin/busybox"
n=0
for applet in $("$root/bin/busybox" --list); do
  [ "$applet" != busybox ] || continue
  ln -s busybox "$root/bin/$applet"
  n=$((n + 1))
done
tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
say "built $IMAGE ($n applets)"
