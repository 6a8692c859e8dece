#!/usr/bin/env bash
# Prepares a CI machine: Deno (fetched by npx), systemd-analyze, and the docker engine with the
# sandbox test image, and chromium for the dashboard's browser tests.
set -euo pipefail
npx --yes deno@2.9.6 --version >/dev/null
# systemd-analyze verifies the generated unit files (tests/unit/service/systemd_unit_test.ts).
if ! command -v systemd-analyze >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends systemd >/dev/null
fi
# The Docker sandbox tests (tests/integration/sandbox_test.ts) need a docker engine and an offline
# test image built from a static busybox (no registry is reachable from CI).
busybox_is_static() {
  local b out
  for b in /bin/busybox /usr/bin/busybox; do
    [ -x "$b" ] || continue
    out=$(ldd "$b" 2>&1 || true)
    grep -qiE 'not a dynamic executable|statically linked' <<<"$out" && return 0
  done
  return 1
}
if [ "$(id -u)" = 0 ]; then
  missing=()
  # The machine image ships a docker client only; the engine (dockerd) comes with docker.io.
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  busybox_is_static || missing+=(busybox-static)
  # The dashboard's browser tests (tests/integration/ui_browser_test.ts) drive Debian's chromium.
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  # The mDNS tests (tests/integration/discovery_mdns_test.ts) run the gateway in a private network
  # namespace: unshare/nsenter (util-linux) and ip (iproute2).
  command -v nsenter >/dev/null 2>&1 || missing+=(util-linux)
  command -v ip >/dev/null 2>&1 || missing+=(iproute2)
  # The avahi test (tests/integration/discovery_avahi_test.ts) browses the beacon with the real
  # avahi-browse, on a private avahi-daemon and dbus-daemon inside that namespace.
  command -v avahi-daemon >/dev/null 2>&1 || missing+=(avahi-daemon)
  command -v avahi-browse >/dev/null 2>&1 || missing+=(avahi-utils)
  command -v dbus-daemon >/dev/null 2>&1 || missing+=(dbus)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "prepare: installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if ! docker info >/dev/null 2>&1; then
    # No bridge and no iptables: sandboxes use --network none, and CI machines rarely allow either.
    echo "prepare: starting dockerd --bridge=none --iptables=false"
    nohup setsid dockerd --bridge=none --iptables=false >/var/log/openclaw-ci-dockerd.log 2>&1 </dev/null &
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      sleep 1
    done
  fi
fi
if docker info >/dev/null 2>&1; then
  bash scripts/sandbox/build-test-image.sh
else
  echo "prepare: the docker engine is not reachable; docker tests will fail (see /var/log/openclaw-ci-dockerd.log)" >&2
fi
# The sandbox browser test (tests/integration/sandbox_browser_test.ts) runs the host's chromium in
# a container: pack it into an offline image (openclaw-test-browser:local). A failure here only
# makes that test fail, with the image named in its message.
if docker info >/dev/null 2>&1; then
  bash scripts/sandbox/build-test-browser-image.sh ||
    echo "prepare: cannot build openclaw-test-browser:local; the sandbox browser test will fail" >&2
fi
