#!/usr/bin/env bash
# Builds single-file binaries with `deno compile` for every supported target into dist/.
# Every asset is embedded through static imports, so the binaries read nothing from the source tree.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p dist
targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-apple-darwin aarch64-apple-darwin x86_64-pc-windows-msvc)
for t in "${targets[@]}"; do
  out="dist/openclaw-$t"
  echo "compile $t -> $out"
  deno compile -A --target "$t" -o "$out" main.ts
done
