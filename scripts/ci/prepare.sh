#!/usr/bin/env bash
# Prepares a CI machine. The foundation needs only Deno (fetched by npx); later issues add the
# docker engine and chromium here.
set -euo pipefail
npx --yes deno@2.9.6 --version >/dev/null
