#!/usr/bin/env bash
# Builds the offline browser image the sandbox-browser tests use (openclaw-test-browser:local)
# from this host's Debian chromium: no registry and no apt inside a container. The image holds
#   - /usr/lib/chromium (the real binary; Debian's /usr/bin/chromium wrapper is not needed),
#   - every library `ldd` resolves for chromium, its helpers and the NSS modules it dlopens,
#   - fontconfig's config and the DejaVu fonts,
#   - a static busybox for sh and nc (nc is the CDP relay's inside end; the real image has socat),
#   - scripts/sandbox/browser-entrypoint.sh as the default command (openclaw-sandbox-browser).
# Idempotent: an image made from the same chromium build is kept unless --force is given.
#
#   scripts/sandbox/build-test-browser-image.sh [--force]
set -euo pipefail

IMAGE="${OPENCLAW_TEST_BROWSER_IMAGE:-openclaw-test-browser:local}"
SANDBOX_DIR="$(cd "$(dirname "$0")" && pwd)"
CHROMIUM_DIR="${CHROMIUM_DIR:-/usr/lib/chromium}"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

die() {
  echo "build-test-browser-image: $*" >&2
  exit 1
}
log() { echo "build-test-browser-image: $*" >&2; }

command -v docker >/dev/null 2>&1 || die "docker is not installed (apt-get install docker.io)"
docker info >/dev/null 2>&1 || die "cannot reach the docker engine (start dockerd)"

[ -x "$CHROMIUM_DIR/chromium" ] ||
  die "no chromium binary at $CHROMIUM_DIR/chromium (apt-get install chromium)"
# Which chromium and entrypoint the image holds: an upgraded host package or an edited
# entrypoint makes the image stale.
STAMP="$(stat -c '%s-%Y' "$CHROMIUM_DIR/chromium")-$(cksum <"$SANDBOX_DIR/browser-entrypoint.sh" | cut -d' ' -f1)"
if [ "$FORCE" = 0 ]; then
  have=$(docker image inspect --format '{{index .Config.Labels "openclaw.chromium"}}' "$IMAGE" 2>/dev/null || true)
  if [ "$have" = "$STAMP" ]; then
    log "$IMAGE already exists"
    exit 0
  fi
  [ -n "$have" ] && log "$IMAGE holds another chromium or entrypoint ($have); rebuilding"
fi
old_id=$(docker image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null || true)
command -v ldd >/dev/null 2>&1 || die "ldd is missing (apt-get install libc-bin)"

BUSYBOX=""
for candidate in "${BUSYBOX_BIN:-}" /bin/busybox /usr/bin/busybox; do
  [ -n "$candidate" ] && [ -x "$candidate" ] || continue
  linkage=$(ldd "$candidate" 2>&1 || true)
  if grep -qiE 'not a dynamic executable|statically linked' <<<"$linkage"; then
    BUSYBOX="$candidate"
    break
  fi
done
[ -n "$BUSYBOX" ] || die "no statically linked busybox found (apt-get install busybox-static)"
applets=$("$BUSYBOX" --list)
grep -qx nc <<<"$applets" || die "$BUSYBOX has no nc applet"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
# Merged /usr, like Debian 12: ldd's /lib/... paths land under usr/lib.
mkdir -p "$root"/usr/{bin,sbin,lib,lib64,local/bin} "$root"/{etc,tmp,root,workspace,proc,sys,dev}
ln -s usr/bin "$root/bin"
ln -s usr/sbin "$root/sbin"
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"
chmod 1777 "$root/tmp"

# Copies a host file (symlinks followed) to the same path inside the image.
copy_file() {
  local src="$1"
  [ -e "$root$src" ] && return 0
  mkdir -p "$root$(dirname "$src")"
  cp -L "$src" "$root$src"
}

log "copying $CHROMIUM_DIR"
mkdir -p "$root$CHROMIUM_DIR"
# The Vulkan validation layer and mock driver are debugging aids (~25 MB) Chromium never loads.
tar -C "$CHROMIUM_DIR" --exclude='libVkLayer_khronos_validation.so*' \
  --exclude='libVkICD_mock_icd.so*' -c . | tar -C "$root$CHROMIUM_DIR" -x

# ELF files whose libraries must be present: chromium, its helpers, its bundled libraries, and
# the NSS modules NSS opens at run time (not listed by ldd of chromium).
multiarch_dir=$(dirname "$(ldd "$CHROMIUM_DIR/chromium" | awk '$1 == "libc.so.6" { print $3 }')")
elves=("$CHROMIUM_DIR/chromium")
for f in "$CHROMIUM_DIR"/chrome_crashpad_handler "$CHROMIUM_DIR"/*.so "$CHROMIUM_DIR"/*.so.1; do
  [ -f "$f" ] && elves+=("$f")
done
for name in libsoftokn3.so libfreebl3.so libfreeblpriv3.so libnssckbi.so libnssdbm3.so; do
  if [ -f "$multiarch_dir/$name" ]; then
    copy_file "$multiarch_dir/$name"
    elves+=("$multiarch_dir/$name")
  fi
done
log "resolving libraries of ${#elves[@]} binaries with ldd"
libs=$(for f in "${elves[@]}"; do ldd "$f" 2>/dev/null || true; done |
  awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
missing=$(for f in "${elves[@]}"; do ldd "$f" 2>/dev/null || true; done | awk '/not found/ { print $1 }' |
  sort -u | tr '\n' ' ')
# A missing library of a bundled optional .so is fine; one of chromium itself is not.
if ldd "$CHROMIUM_DIR/chromium" | grep -q 'not found'; then
  die "chromium needs libraries this host lacks: $missing"
fi
count=0
for lib in $libs; do
  copy_file "$lib"
  count=$((count + 1))
done
log "copied $count libraries"

# Fonts: fontconfig's configuration and one family, so pages render text (and titles measure).
if [ -d /etc/fonts ]; then
  mkdir -p "$root/etc"
  cp -rL /etc/fonts "$root/etc/fonts"
fi
for dir in /usr/share/fonts/truetype/dejavu /usr/share/fontconfig; do
  if [ -d "$dir" ]; then
    mkdir -p "$root$(dirname "$dir")"
    cp -rL "$dir" "$root$dir"
  fi
done

cp "$BUSYBOX" "$root/usr/bin/busybox"
for applet in sh ash echo cat ls id touch mkdir rm sleep kill printf env pwd test true false \
  grep head tail wc ps sed tr cut uname date chmod ln mv cp find xargs stat readlink nc wait \
  hostname which; do
  [ -e "$root/usr/bin/$applet" ] || ln -s busybox "$root/usr/bin/$applet"
done
ln -s "$CHROMIUM_DIR/chromium" "$root/usr/bin/chromium"
install -m 0755 "$SANDBOX_DIR/browser-entrypoint.sh" "$root/usr/local/bin/openclaw-sandbox-browser"

echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$root/etc/nsswitch.conf"
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"

log "importing $IMAGE"
tar -C "$root" -c . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'ENV HOME=/tmp' \
  --change 'WORKDIR /workspace' \
  --change 'CMD ["openclaw-sandbox-browser"]' \
  --change "LABEL openclaw.chromium=$STAMP" \
  - "$IMAGE" >/dev/null || die "docker import of $IMAGE failed"
# The replaced image (now untagged) is 400 MB of nothing; one still used by a container stays.
if [ -n "$old_id" ] && [ "$old_id" != "$(docker image inspect --format '{{.Id}}' "$IMAGE")" ]; then
  docker image rm "$old_id" >/dev/null 2>&1 || true
fi
log "built $IMAGE"
