#!/bin/sh
# Starts the sandbox browser: Xvfb display, Chromium with the DevTools protocol on a local port
# forwarded to 0.0.0.0:${CDP_PORT} (Chromium only listens on loopback), and optionally VNC/noVNC.
set -eu
CDP_PORT="${OPENCLAW_BROWSER_CDP_PORT:-9222}"
VNC_PORT="${OPENCLAW_BROWSER_VNC_PORT:-5900}"
NOVNC_PORT="${OPENCLAW_BROWSER_NOVNC_PORT:-6080}"
HEADLESS="${OPENCLAW_BROWSER_HEADLESS:-0}"
ENABLE_NOVNC="${OPENCLAW_BROWSER_ENABLE_NOVNC:-1}"
PROFILE="${OPENCLAW_BROWSER_PROFILE:-/tmp/openclaw-browser-profile}"
INTERNAL_PORT=$((CDP_PORT + 1))

export DISPLAY=:99
Xvfb :99 -screen 0 1280x800x24 -nolisten tcp &
mkdir -p "$PROFILE"
set -- --no-first-run --no-default-browser-check --disable-dev-shm-usage \
  --user-data-dir="$PROFILE" --remote-debugging-address=127.0.0.1 \
  --remote-debugging-port="$INTERNAL_PORT" about:blank
[ "$HEADLESS" = 1 ] && set -- --headless=new "$@"
# Containers drop every capability, so Chromium's own sandbox cannot start; the container is it.
chromium --no-sandbox "$@" &
socat "TCP-LISTEN:${CDP_PORT},fork,reuseaddr,bind=0.0.0.0" "TCP:127.0.0.1:${INTERNAL_PORT}" &
if [ "$HEADLESS" != 1 ]; then
  x11vnc -display :99 -forever -shared -nopw -rfbport "$VNC_PORT" -quiet &
  if [ "$ENABLE_NOVNC" = 1 ]; then
    websockify --web /usr/share/novnc "$NOVNC_PORT" "127.0.0.1:${VNC_PORT}" &
  fi
fi
wait
