# Shared helpers of the sandbox image scripts (sourced, not run). Every function prints what it
# does on stderr and dies with a clear message.

log() { echo "[$SCRIPT_NAME] $*" >&2; }
die() {
  echo "[$SCRIPT_NAME] error: $*" >&2
  exit 1
}

require_docker() {
  command -v docker >/dev/null 2>&1 ||
    die "docker is not installed (Debian: apt-get install docker.io; see https://docs.docker.com/engine/install/)"
  docker info >/dev/null 2>&1 ||
    die "cannot reach the docker engine; start it (e.g. sudo systemctl start docker) and check that this user may use it"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

require_root() {
  [ "$(id -u)" = 0 ] || die "$1 needs root (run with sudo)"
}

# The Debian mirror apt on this machine uses (deb822 .sources first, then one-line .list files),
# skipping security mirrors; OPENCLAW_DEBIAN_MIRROR overrides it.
debian_mirror() {
  if [ -n "${OPENCLAW_DEBIAN_MIRROR:-}" ]; then
    echo "$OPENCLAW_DEBIAN_MIRROR"
    return
  fi
  local uri=""
  shopt -s nullglob
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    uri=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' "$f")
    [ -n "$uri" ] && break
  done
  if [ -z "$uri" ]; then
    uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
      awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\// && $i !~ /security/) { print $i; exit } }')
  fi
  shopt -u nullglob
  echo "${uri:-http://deb.debian.org/debian}"
}

# Runs apt-get inside a root filesystem with chroot: the host's network and DNS are used, so
# this works where containers have no network. Needs root.
chroot_apt_install() {
  local root="$1"
  shift
  require_root "installing packages with chroot"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  # No service may start inside the chroot.
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod +x "$root/usr/sbin/policy-rc.d"
  mount -t proc proc "$root/proc"
  mount --bind /dev "$root/dev"
  local rc=0
  chroot "$root" /usr/bin/env DEBIAN_FRONTEND=noninteractive sh -c \
    "apt-get update -qq && apt-get install -y --no-install-recommends $* && apt-get clean && rm -rf /var/lib/apt/lists/*" ||
    rc=$?
  umount "$root/dev" || true
  umount "$root/proc" || true
  rm -f "$root/usr/sbin/policy-rc.d"
  : >"$root/etc/resolv.conf" 2>/dev/null || true
  [ "$rc" = 0 ] || die "apt-get install $* failed inside $root (exit $rc)"
}

# Copies an image's filesystem into a directory (docker export of a stopped container).
export_image_rootfs() {
  local image="$1" dir="$2" cid
  cid=$(docker create "$image" true) || die "cannot create a container from $image"
  docker export "$cid" | tar -C "$dir" -x || {
    docker rm -f "$cid" >/dev/null
    die "cannot export $image"
  }
  docker rm -f "$cid" >/dev/null
}

# Imports a root filesystem as an image with the sandbox's defaults (docker import drops them).
import_rootfs() {
  local dir="$1" image="$2"
  shift 2
  log "importing $dir as $image"
  tar -C "$dir" -c . | docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'WORKDIR /workspace' \
    --change 'CMD ["sleep", "infinity"]' \
    "$@" - "$image" >/dev/null || die "docker import of $image failed"
}

# Builds `image` from a Dockerfile in scripts/sandbox. Builds use the host network by default
# (OPENCLAW_BUILD_NETWORK) so apt works where the engine runs with --bridge=none.
docker_build() {
  local image="$1" dockerfile="$2"
  shift 2
  log "docker build -t $image -f $dockerfile"
  docker build --network "${OPENCLAW_BUILD_NETWORK:-host}" -t "$image" -f "$SANDBOX_DIR/$dockerfile" \
    "$@" "$SANDBOX_DIR"
}

# Adds packages to `base` and tags the result `image`: docker build when possible, else
# (offline/no container network) chroot apt-get into the exported base and docker import.
build_layer() {
  local mode="$1" image="$2" base="$3" dockerfile="$4"
  shift 4
  if [ "$mode" != offline ]; then
    if docker_build "$image" "$dockerfile" --build-arg "BASE_IMAGE=$base"; then
      log "built $image"
      return
    fi
    [ "$mode" = online ] && die "docker build of $image failed"
    log "docker build failed; trying the offline path (chroot apt-get into $base)"
  fi
  require_root "the offline path"
  local work
  work=$(mktemp -d)
  # shellcheck disable=SC2064 # expand $work now
  trap "umount '$work/dev' '$work/proc' 2>/dev/null; rm -rf '$work'" EXIT
  export_image_rootfs "$base" "$work"
  chroot_apt_install "$work" "$@"
  import_rootfs "$work" "$image"
  log "built $image (offline)"
}

# Parses --force / --offline / --online into FORCE and MODE.
parse_flags() {
  FORCE=0
  MODE=auto
  local a
  for a in "$@"; do
    case "$a" in
      --force) FORCE=1 ;;
      --offline) MODE=offline ;;
      --online) MODE=online ;;
      -h | --help)
        echo "usage: $SCRIPT_NAME [--force] [--offline|--online]"
        echo "  --force    rebuild even if the image exists"
        echo "  --offline  skip the registry: debootstrap/chroot + docker import (root)"
        echo "  --online   only docker build (fail instead of falling back)"
        exit 0
        ;;
      *) die "unknown option $a (try --help)" ;;
    esac
  done
}
