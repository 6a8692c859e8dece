#!/bin/sh
# Starts the sandbox browser: Chromium serving the DevTools protocol (CDP) on
# 127.0.0.1:${OPENCLAW_BROWSER_CDP_PORT} inside the container, under an Xvfb display with VNC
# (and noVNC) unless headless. The gateway reaches CDP through `docker exec <container> socat`
# (or `nc`) to that loopback port, so the container needs no network and publishes no port.
#
# Environment (set by the gateway from agents.defaults.sandbox.browser):
#   OPENCLAW_BROWSER_CDP_PORT (9222), OPENCLAW_BROWSER_HEADLESS (0|1),
#   OPENCLAW_BROWSER_ENABLE_NOVNC (1), OPENCLAW_BROWSER_VNC_PORT (5900),
#   OPENCLAW_BROWSER_NOVNC_PORT (6080), OPENCLAW_BROWSER_DISABLE_GRAPHICS_FLAGS (1),
#   OPENCLAW_BROWSER_DISABLE_EXTENSIONS (1), OPENCLAW_BROWSER_RENDERER_PROCESS_LIMIT (2).
# Works with bash/dash and busybox sh (the offline test image).
set -eu
CDP_PORT="${OPENCLAW_BROWSER_CDP_PORT:-9222}"
VNC_PORT="${OPENCLAW_BROWSER_VNC_PORT:-5900}"
NOVNC_PORT="${OPENCLAW_BROWSER_NOVNC_PORT:-6080}"
HEADLESS="${OPENCLAW_BROWSER_HEADLESS:-0}"
ENABLE_NOVNC="${OPENCLAW_BROWSER_ENABLE_NOVNC:-1}"
GRAPHICS_FLAGS="${OPENCLAW_BROWSER_DISABLE_GRAPHICS_FLAGS:-1}"
NO_EXTENSIONS="${OPENCLAW_BROWSER_DISABLE_EXTENSIONS:-1}"
RENDERER_LIMIT="${OPENCLAW_BROWSER_RENDERER_PROCESS_LIMIT:-2}"

# A read-only root (the sandbox default) leaves only the tmpfs mounts writable.
if [ -z "${HOME:-}" ] || ! mkdir -p "$HOME/.chrome" 2>/dev/null; then
  export HOME=/tmp
  mkdir -p "$HOME/.chrome"
fi

CHROME=""
for c in chromium chromium-browser google-chrome /usr/lib/chromium/chromium; do
  if command -v "$c" >/dev/null 2>&1; then
    CHROME="$c"
    break
  fi
done
[ -n "$CHROME" ] || {
  echo "openclaw-sandbox-browser: no chromium in the image" >&2
  exit 127
}

set -- --remote-debugging-address=127.0.0.1 --remote-debugging-port="$CDP_PORT" \
  --user-data-dir="$HOME/.chrome" --no-first-run --no-default-browser-check \
  --disable-dev-shm-usage --disable-background-networking --disable-breakpad \
  --disable-crash-reporter --no-zygote --metrics-recording-only --password-store=basic \
  --use-mock-keychain --no-sandbox --disable-setuid-sandbox
[ "$GRAPHICS_FLAGS" != 0 ] && set -- "$@" --disable-3d-apis --disable-gpu --disable-software-rasterizer
[ "$NO_EXTENSIONS" != 0 ] && set -- "$@" --disable-extensions
[ -n "$RENDERER_LIMIT" ] && [ "$RENDERER_LIMIT" != 0 ] &&
  set -- "$@" --renderer-process-limit="$RENDERER_LIMIT"

if [ "$HEADLESS" = 1 ]; then
  set -- "$@" --headless=new
else
  command -v Xvfb >/dev/null 2>&1 || {
    echo "openclaw-sandbox-browser: headed mode needs Xvfb (set agents.defaults.sandbox.browser.headless: true)" >&2
    exit 127
  }
  export DISPLAY=:99
  Xvfb :99 -screen 0 1280x800x24 -nolisten tcp &
  # Chromium started before the display exists exits at once; give Xvfb up to 5 s.
  i=0
  while [ ! -e /tmp/.X11-unix/X99 ] && [ "$i" -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if command -v x11vnc >/dev/null 2>&1; then
    x11vnc -display :99 -forever -shared -nopw -localhost -rfbport "$VNC_PORT" -quiet &
    if [ "$ENABLE_NOVNC" = 1 ] && command -v websockify >/dev/null 2>&1; then
      websockify --web /usr/share/novnc "$NOVNC_PORT" "127.0.0.1:${VNC_PORT}" &
    fi
  fi
fi

# Chromium's own sandbox cannot start without capabilities (the container drops them all); the
# container is the sandbox.
"$CHROME" "$@" about:blank &
chrome=$!
trap 'kill -TERM "$chrome" 2>/dev/null' TERM INT
# The container ends with Chromium, so a crashed browser shows as a stopped container and the
# gateway starts it again on next use.
wait "$chrome"
