#!/usr/bin/env bash
# Prepares a CI machine. The foundation needs only Deno (fetched by npx); later issues add the
# docker engine and chromium here.
set -euo pipefail
npx --yes deno@2.9.6 --version >/dev/null
# systemd-analyze verifies the generated unit files (tests/unit/service/systemd_unit_test.ts).
if ! command -v systemd-analyze >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends systemd >/dev/null
fi
