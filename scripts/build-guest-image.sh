#!/usr/bin/env bash
# Builds (once, ~2 minutes, as root) the small Debian guest image that examples/hpc-tiny.yaml and the
# e2e tests boot, from Debian packages only, and links it at <cache>/images/current
# (cache: $AI_HOW_E2E_CACHE, default /var/cache/ai-how-e2e). Prints the image's manifest.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
build="$here/../test/e2e/build-image.sh"
manifest="$("$build" --print)"
"$build" >/dev/null
ln -sfn "$(dirname "$manifest")" "$(dirname "$(dirname "$manifest")")/current"
cat "$manifest"
