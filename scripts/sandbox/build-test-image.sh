#!/usr/bin/env bash
# Builds the tiny offline image the sandbox tests use (openclaw-test:busybox) from a statically
# linked busybox (Debian's busybox-static): no registry needed. Idempotent: an existing image is
# kept unless --force is given.
set -euo pipefail

IMAGE="${OPENCLAW_TEST_IMAGE:-openclaw-test:busybox}"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

die() { echo "build-test-image: $*" >&2; exit 1; }

command -v docker >/dev/null 2>&1 || die "docker is not installed (apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "cannot reach the docker engine (start dockerd)"

if [ "$FORCE" = 0 ] && docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "build-test-image: $IMAGE already exists"
  exit 0
fi

BUSYBOX=""
for candidate in "${BUSYBOX_BIN:-}" /bin/busybox /usr/bin/busybox; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  # A dynamically linked busybox would need the host's libc inside the image.
  linkage=$(ldd "$candidate" 2>&1 || true)
  if grep -qiE 'not a dynamic executable|statically linked' <<<"$linkage"; then
    BUSYBOX="$candidate"
    break
  fi
done
[ -n "$BUSYBOX" ] || die "no statically linked busybox found (apt-get install busybox-static)"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root/bin" "$root/tmp" "$root/etc" "$root/workspace"
cp "$BUSYBOX" "$root/bin/busybox"
for applet in sh ash echo cat ls id touch mkdir rm sleep kill printf env pwd test true false \
  grep head tail wc ps sed tr cut uname date chmod ln mv cp find xargs stat readlink; do
  ln -s busybox "$root/bin/$applet"
done
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "build-test-image: importing $IMAGE from $BUSYBOX"
tar -C "$root" -c . | docker import -c 'ENV PATH=/bin' - "$IMAGE" >/dev/null
echo "build-test-image: built $IMAGE"
