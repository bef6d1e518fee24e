#!/usr/bin/env bash
# Undoes setup-host.sh for the run recorded in ${AI_HOW_E2E_RUN_DIR:-/run/ai-how-e2e}/host.env:
# destroys the running guests and active networks of that libvirtd, stops the libvirtd and
# virtlogd it started (by their recorded pids), ends whatever else still runs inside the run's
# network namespace (dnsmasq, qemu: only that daemon starts processes there), deletes the
# namespace, the run's folder (its private /etc/libvirt, /var/lib/libvirt, ... and logs) and the
# state file. Objects still defined in that libvirtd are named in a warning first: the tests own
# their objects and check for leftovers themselves. AI_HOW_E2E_KEEP=1 keeps the run's folder
# (logs: <folder>/logs, guest consoles: <folder>/log/qemu). Installed packages stay. Idempotent.
#
#   test/e2e/teardown-host.sh               tear down now
#   test/e2e/teardown-host.sh --release PID  PID no longer uses the daemon (see setup-host.sh --user);
#                                           tears down only a daemon started with --auto, and only
#                                           when no other registered process still runs
set -euo pipefail

release=""
case "${1:-}" in
  "") ;;
  --release) release="${2:?--release needs a pid}" ;;
  *) echo "usage: $0 [--release PID]" >&2; exit 2 ;;
esac

run_dir="${AI_HOW_E2E_RUN_DIR:-/run/ai-how-e2e}"
state="$run_dir/host.env"
say() { echo "teardown-host.sh: $*" >&2; }
[[ "$(id -u)" == 0 ]] || { say "needs root; run: sudo $0"; exit 1; }
if [[ "${AI_HOW_E2E_LOCKED:-0}" != 1 ]]; then   # set by setup-host.sh, which already holds the lock
  mkdir -p "$run_dir"
  exec 9>"$run_dir/lock"
  flock -w 300 9 || { say "another setup/teardown holds $run_dir/lock"; exit 1; }
fi
[[ -f "$state" ]] || { say "nothing to tear down ($state absent)"; exit 0; }

field() { sed -n "s/^$1=//p" "$state" | head -n1; }
alive() { # PID [COMM]; a zombie does not count
  [[ -n "${1:-}" ]] || return 1
  local st; st="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ "$st" != Z* ]] || return 1
  [[ -z "${2:-}" || "$(cat "/proc/$1/comm" 2>/dev/null)" == "$2" ]]
}
ours() { alive "$1" "$2" && [[ "$(ip netns identify "$1" 2>/dev/null)" == "$ns" ]]; }
stop_pids() { # TERM, wait up to 15 s, then KILL
  local p left
  (($#)) || return 0
  kill -TERM "$@" 2>/dev/null || true
  for _ in $(seq 1 75); do
    left=0
    for p in "$@"; do alive "$p" && left=1; done
    ((left)) || return 0
    sleep 0.2
  done
  kill -KILL "$@" 2>/dev/null || true
}

if [[ -n "$release" ]]; then
  rm -f "$run_dir/users/$release"
  [[ "$(field AI_HOW_E2E_AUTO)" == 1 ]] || exit 0   # started by hand or by .ci/run: it stays
  for u in "$run_dir"/users/*; do
    [[ -e "$u" ]] || continue
    if alive "$(basename "$u")"; then say "daemon still used by pid $(basename "$u")"; exit 0; fi
    rm -f "$u"
  done
fi

ns="$(field AI_HOW_E2E_NETNS)"
work="$(field AI_HOW_E2E_WORK)"
uri="$(field AI_HOW_E2E_URI)"
libvirtd_pid="$(field AI_HOW_E2E_LIBVIRTD_PID)"
virtlogd_pid="$(field AI_HOW_E2E_VIRTLOGD_PID)"
[[ "$ns" == aihow-e2e-* ]] || { say "$state names no namespace of ours; removing the file"; rm -f "$state"; exit 0; }

if ours "$libvirtd_pid" libvirtd; then
  for d in $(virsh -c "$uri" list --name 2>/dev/null); do virsh -c "$uri" destroy "$d" >/dev/null 2>&1 || true; done
  for n in $(virsh -c "$uri" net-list --name 2>/dev/null); do virsh -c "$uri" net-destroy "$n" >/dev/null 2>&1 || true; done
  defined="$( { virsh -c "$uri" list --all --name; virsh -c "$uri" net-list --all --name
    virsh -c "$uri" pool-list --all --name; } 2>/dev/null | grep -v -x -e '' -e default | tr '\n' ' ' || true)"
  [[ -z "$defined" ]] || say "warning: still defined in libvirt (left by a test?): $defined"
  stop_pids "$libvirtd_pid"
fi
if ours "$virtlogd_pid" virtlogd; then stop_pids "$virtlogd_pid"; fi
if ip netns list | awk '{print $1}' | grep -qx -- "$ns"; then
  mapfile -t rest < <(ip netns pids "$ns" | while read -r p; do alive "$p" && echo "$p"; done)
  ((${#rest[@]} == 0)) || { say "ending ${#rest[@]} process(es) left in $ns"; stop_pids "${rest[@]}"; }
  ip netns delete "$ns"
fi
if [[ -n "$work" && "$(basename "$work")" == "$ns" && -d "$work" ]]; then
  if [[ "${AI_HOW_E2E_KEEP:-0}" == 1 ]]; then say "kept $work (AI_HOW_E2E_KEEP=1)"
  else rm -rf --one-file-system "$work"; fi
fi
rm -f "$state"
rm -rf "$run_dir/users"
say "removed network namespace $ns"
