#!/usr/bin/env bash
# Builds (once, ~2 minutes, as root) the small Debian guest image that examples/hpc-tiny.yaml and the
# e2e tests boot, from Debian packages only, and links it at <cache>/images/current
# (cache: $AI_HOW_E2E_CACHE, default /var/cache/ai-how-e2e), readable by every user. Prints the
# image's manifest.
set -euo pipefail
here="$(cd "$(dirname "$(readlink -f "$0")")" && pwd)"
build="$here/../test/e2e/build-image.sh"
manifest="$("$build" --print)"
"$build" >/dev/null
# Read by whoever runs ai-how (quickstart.sh: the invoking user, not root) and by libvirt's qemu user,
# whatever root's umask was: the image (no secrets in it) readable by all, its folders passable.
image_dir="$(dirname "$manifest")"
chmod -R a+rX "$image_dir"
chmod a+x "$(dirname "$image_dir")" "$(dirname "$(dirname "$image_dir")")"
ln -sfn "$(dirname "$manifest")" "$(dirname "$(dirname "$manifest")")/current"
cat "$manifest"
