#!/usr/bin/env bash
# Builds openclaw-sandbox-browser:bookworm-slim: the base sandbox image plus Chromium, Xvfb,
# VNC/noVNC, socat and an entrypoint that serves the DevTools protocol on 127.0.0.1:9222 inside
# the container (the gateway relays to it through `docker exec … socat`). Builds the base first
# when it is missing.
#
#   scripts/sandbox-browser-setup.sh [--force] [--offline|--online]
#
# Online: docker build from scripts/sandbox/Dockerfile.browser. Offline (or when the build
# cannot reach a mirror): export the base image, chroot apt-get install, add the entrypoint,
# docker import (root).
set -euo pipefail
SCRIPT_NAME=sandbox-browser-setup
SCRIPTS_DIR="$(cd "$(dirname "$0")" && pwd)"
SANDBOX_DIR="$SCRIPTS_DIR/sandbox"
# shellcheck source=sandbox/lib.sh
. "$SANDBOX_DIR/lib.sh"

IMAGE="${OPENCLAW_SANDBOX_BROWSER_IMAGE:-openclaw-sandbox-browser:bookworm-slim}"
BASE="${OPENCLAW_SANDBOX_IMAGE:-openclaw-sandbox:bookworm-slim}"
PACKAGES=(chromium fonts-liberation fonts-noto-color-emoji xvfb x11vnc novnc websockify socat
  ca-certificates)
parse_flags "$@"
require_docker

if [ "$FORCE" = 0 ] && image_exists "$IMAGE"; then
  log "$IMAGE already exists (use --force to rebuild)"
  exit 0
fi
if ! image_exists "$BASE"; then
  log "base image $BASE is missing; building it first"
  mode_flag=()
  [ "$MODE" != auto ] && mode_flag=("--$MODE")
  bash "$SCRIPTS_DIR/sandbox-setup.sh" "${mode_flag[@]}"
fi

if [ "$MODE" != offline ]; then
  if docker_build "$IMAGE" Dockerfile.browser --build-arg "BASE_IMAGE=$BASE"; then
    log "built $IMAGE"
    exit 0
  fi
  [ "$MODE" = online ] && die "docker build of $IMAGE failed"
  log "docker build failed; trying the offline path (chroot apt-get into $BASE)"
fi

require_root "the offline path"
work=$(mktemp -d)
trap 'umount "$work/dev" "$work/proc" 2>/dev/null; rm -rf "$work"' EXIT
export_image_rootfs "$BASE" "$work"
chroot_apt_install "$work" "${PACKAGES[@]}"
install -m 0755 "$SANDBOX_DIR/browser-entrypoint.sh" "$work/usr/local/bin/openclaw-sandbox-browser"
import_rootfs "$work" "$IMAGE" --change 'EXPOSE 9222 5900 6080' \
  --change 'CMD ["openclaw-sandbox-browser"]'
log "built $IMAGE (offline)"
