#!/usr/bin/env bash
# One command from a fresh clone to a running tiny Slurm cluster on Debian 12 (root; idempotent:
# every step that is already done is skipped, so it can be run again):
#   1. the host: Debian 12 (other Debian-based systems: a warning; anything else: refused)
#   2. Node.js 20.19+ (<23): checked; when missing or too old, says how to get it and stops
#   3. the Debian packages (libvirt, qemu, dnsmasq, genisoimage, ansible-core, debootstrap, ...):
#      test/e2e/setup-host.sh --install-only, the list the tests use
#   4. libvirtd running (systemd) and the invoking user (SUDO_USER) in the libvirt group (qemu:///system
#      without root) and, where /dev/kvm exists, the kvm group (ai-how checks that its user can open
#      /dev/kvm before it boots KVM guests; Debian's is root:kvm 0660)
#   5. npm ci (when node_modules is missing or older than package-lock.json) and npm run build,
#      as the invoking user
#   6. `ai-how` on PATH: /usr/local/bin/ai-how, a link to packages/core/bin/run.js (what npm link does)
#   7. the guest image, built once (~2 min): scripts/build-guest-image.sh
#   8. `ai-how hpc start examples/hpc-tiny.yaml` (AI_HOW_ENABLE_KVM=false when /dev/kvm is unusable
#      for the user who runs it),
#      as the invoking user, then how to see its status and destroy it
#
#   sudo scripts/quickstart.sh [--install-only | --no-start] [--dry-run]
# --install-only: steps 1-6 (no image, no cluster). --no-start: everything but step 8.
# --dry-run: prints each step and the commands it would run; changes nothing, needs no root.
set -euo pipefail

repo="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
example=examples/hpc-tiny.yaml
link=/usr/local/bin/ai-how
node_min=20.19 node_below=23
dry=0 image=1 start=1
for arg in "$@"; do
  case "$arg" in
    --dry-run) dry=1 ;;
    --install-only) image=0 start=0 ;;
    --no-start) start=0 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "usage: $0 [--install-only | --no-start] [--dry-run]" >&2; exit 2 ;;
  esac
done

step_no=0
step() { step_no=$((step_no + 1)); printf '\n== step %d: %s\n' "$step_no" "$*"; }
say() { printf '   %s\n' "$*"; }
die() { printf 'quickstart.sh: %s\n' "$*" >&2; exit 1; }
# run CMD...: runs it, or under --dry-run prints it.
run() {
  if ((dry)); then printf '   would run: %s\n' "$*"; else printf '   + %s\n' "$*"; "$@"; fi
}
user="${SUDO_USER:-}"
[[ "$user" == root ]] && user=""
# as_user CMD...: CMD as the invoking user when there is one (files in the clone stay theirs).
as_user() { if [[ -n "$user" ]]; then run runuser -u "$user" -- "$@"; else run "$@"; fi; }

((dry)) || [[ "$(id -u)" == 0 ]] || die "needs root (apt-get, libvirt, the guest image): run: sudo $0 $*"
cd "$repo"

step "host system"
os_release="${AI_HOW_OS_RELEASE:-/etc/os-release}"   # another file: for the script's tests
# shellcheck source=/dev/null
[[ -r "$os_release" ]] && . "$os_release"
case "${ID:-}:${VERSION_ID:-}" in
  debian:12) say "Debian 12: supported" ;;
  *)
    [[ " ${ID:-} ${ID_LIKE:-} " == *" debian "* ]] ||
      die "${PRETTY_NAME:-this system} is not Debian-based: this script uses apt-get and Debian's package names (see README: Requirements)"
    say "WARNING: ${PRETTY_NAME:-this system} is not Debian 12, the only system this script is tested on; continuing" ;;
esac

step "Node.js >= $node_min, < $node_below"
version="$(node --version 2>/dev/null || true)"
if ! node -e "const [a,b]=process.versions.node.split('.').map(Number); process.exit(a>=${node_min%.*} && (a>${node_min%.*} || b>=${node_min#*.}) && a<$node_below ? 0 : 1)" 2>/dev/null; then
  cat >&2 <<EOF
quickstart.sh: ai-how needs Node.js $node_min or later, before $node_below (found: ${version:-none}).
Debian 12's own nodejs package is 18, too old. Install Node.js 20 from NodeSource, as root:
  curl -fsSL https://deb.nodesource.com/setup_20.x -o nodesource_setup.sh && bash nodesource_setup.sh
  apt-get install -y nodejs
(or a Node.js 20 tarball from nodejs.org on PATH), then run this script again.
EOF
  exit 1
fi
say "node $version: ok"

step "Debian packages (the list of test/e2e/setup-host.sh)"
run test/e2e/setup-host.sh --install-only

step "libvirtd running, the invoking user in the libvirt (and kvm) group"
if virsh -q -c qemu:///system version >/dev/null 2>&1; then
  say "libvirtd answers at qemu:///system"
elif [[ -d /run/systemd/system ]]; then
  run systemctl enable --now libvirtd.service
else
  ((dry)) || die "libvirtd does not answer at qemu:///system and there is no systemd to start it: start libvirtd, then run this script again"
  say "libvirtd does not answer at qemu:///system (no systemd: start it yourself)"
fi
groups=(libvirt)
[[ -e /dev/kvm ]] && getent group kvm >/dev/null && groups+=(kvm)
[[ -n "$user" ]] || say "run as root without sudo: no user to add to the groups (${groups[*]})"
for group in "${groups[@]}"; do
  [[ -n "$user" ]] || break
  if id -nG "$user" | tr ' ' '\n' | grep -qx "$group"; then
    say "$user is in the $group group"
  else
    run usermod -aG "$group" "$user"
    say "$user is in the $group group in new logins (log out and in, or: newgrp $group)"
  fi
done

step "npm dependencies and build"
if [[ -f node_modules/.package-lock.json && ! package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "node_modules is up to date with package-lock.json"
else
  as_user npm ci --no-audit --no-fund
fi
as_user npm run build

step "ai-how on PATH ($link)"
if [[ "$(readlink -f "$link" 2>/dev/null)" == "$repo/packages/core/bin/run.js" ]]; then
  say "$link -> $repo/packages/core/bin/run.js"
else
  [[ ! -e "$link" || -L "$link" ]] || die "$link exists and is not a link: remove it, then run this script again"
  run ln -sfn "$repo/packages/core/bin/run.js" "$link"
fi

if ((image)); then
  step "guest image (built once, ~2 min; later runs reuse it)"
  run scripts/build-guest-image.sh
fi

if ((start)); then
  step "start the tiny cluster: ai-how hpc start $example"
  kvm=()
  # As the user who runs ai-how (runuser starts it with the groups of step 4). A dry run only looks as root.
  if [[ -n "$user" ]] && ! ((dry)); then kvm_usable() { runuser -u "$user" -- test -r /dev/kvm -a -w /dev/kvm; }
  else kvm_usable() { [[ -r /dev/kvm && -w /dev/kvm ]]; }; fi
  kvm_usable || { kvm=(env AI_HOW_ENABLE_KVM=false); say "/dev/kvm is not usable${user:+ by $user}: software emulation (AI_HOW_ENABLE_KVM=false)"; }
  if [[ -n "$user" ]]; then
    # The user's libvirt group membership is not in this session yet: sg starts the command with it.
    run runuser -u "$user" -- sg libvirt -c "${kvm[*]:+${kvm[*]} }ai-how hpc start $example"
  else
    run "${kvm[@]}" ai-how hpc start "$example"
  fi
fi

printf '\n'
if ((start)); then
  cat <<EOF
Done. The tiny cluster (a Slurm controller and two compute nodes) runs. In $repo:
  ai-how hpc status $example           # its VMs, IPs and any drift (--json for scripts)
  ai-how hpc destroy $example --force  # removes every VM, network, pool and file it created
EOF
else
  echo "Done. Start the tiny cluster with: ai-how hpc start $example (in $repo)"
fi
((dry)) && echo "(dry run: nothing was changed)"
exit 0
