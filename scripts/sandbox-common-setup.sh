#!/usr/bin/env bash
# Builds openclaw-sandbox-common:bookworm-slim: the base sandbox image plus curl, jq, nodejs,
# python3 and git. Builds the base first when it is missing.
#
#   scripts/sandbox-common-setup.sh [--force] [--offline|--online]
#
# Online: docker build from scripts/sandbox/Dockerfile.common. Offline (or when the build
# cannot reach a mirror): export the base image, chroot apt-get install, docker import (root).
# To use it: openclaw config set agents.defaults.sandbox.docker.image openclaw-sandbox-common:bookworm-slim
set -euo pipefail
SCRIPT_NAME=sandbox-common-setup
SCRIPTS_DIR="$(cd "$(dirname "$0")" && pwd)"
SANDBOX_DIR="$SCRIPTS_DIR/sandbox"
# shellcheck source=sandbox/lib.sh
. "$SANDBOX_DIR/lib.sh"

IMAGE="${OPENCLAW_SANDBOX_COMMON_IMAGE:-openclaw-sandbox-common:bookworm-slim}"
BASE="${OPENCLAW_SANDBOX_IMAGE:-openclaw-sandbox:bookworm-slim}"
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

build_layer "$MODE" "$IMAGE" "$BASE" Dockerfile.common curl jq nodejs python3 git ca-certificates
