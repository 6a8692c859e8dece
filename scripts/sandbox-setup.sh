#!/usr/bin/env bash
# Builds the default sandbox image, openclaw-sandbox:bookworm-slim.
#
#   scripts/sandbox-setup.sh [--force] [--offline|--online]
#
# Online: docker build from scripts/sandbox/Dockerfile (FROM debian:bookworm-slim), when that
# base image is present or can be pulled. Offline (no registry): debootstrap a minimal bookworm
# from the Debian mirror apt already uses, then `tar | docker import` (needs root and the
# debootstrap package). An existing image is kept unless --force.
set -euo pipefail
SCRIPT_NAME=sandbox-setup
SANDBOX_DIR="$(cd "$(dirname "$0")" && pwd)/sandbox"
# shellcheck source=sandbox/lib.sh
. "$SANDBOX_DIR/lib.sh"

IMAGE="${OPENCLAW_SANDBOX_IMAGE:-openclaw-sandbox:bookworm-slim}"
BASE="${OPENCLAW_SANDBOX_BASE:-debian:bookworm-slim}"
SUITE="${OPENCLAW_DEBIAN_SUITE:-bookworm}"
parse_flags "$@"
require_docker

if [ "$FORCE" = 0 ] && image_exists "$IMAGE"; then
  log "$IMAGE already exists (use --force to rebuild)"
  exit 0
fi

registry_base_available() {
  image_exists "$BASE" && return 0
  log "pulling $BASE"
  timeout "${OPENCLAW_PULL_TIMEOUT:-120}" docker pull "$BASE" >/dev/null 2>&1
}

if [ "$MODE" != offline ]; then
  if registry_base_available; then
    docker_build "$IMAGE" Dockerfile || die "docker build of $IMAGE failed"
    log "built $IMAGE"
    exit 0
  fi
  [ "$MODE" = online ] && die "cannot pull $BASE (no registry reachable?); try --offline"
  log "cannot pull $BASE; using the offline path (debootstrap + docker import)"
fi

require_root "debootstrap"
command -v debootstrap >/dev/null 2>&1 ||
  die "debootstrap is not installed (apt-get install --no-install-recommends debootstrap)"
MIRROR=$(debian_mirror)
work=$(mktemp -d)
trap 'umount "$work/rootfs/proc" "$work/rootfs/dev" 2>/dev/null; rm -rf "$work"' EXIT
log "debootstrap --variant=minbase $SUITE from $MIRROR (a few minutes)"
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$work/rootfs" "$MIRROR" >&2 ||
  die "debootstrap failed (mirror $MIRROR; set OPENCLAW_DEBIAN_MIRROR to another one)"
# Slim it down like the official -slim images: no apt lists, caches, docs or locales.
rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin \
  "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/usr/share/doc/"* \
  "$work/rootfs/usr/share/man/"* "$work/rootfs/usr/share/info/"*
mkdir -p "$work/rootfs/workspace"
: >"$work/rootfs/etc/resolv.conf"
import_rootfs "$work/rootfs" "$IMAGE"
log "built $IMAGE (offline)"
