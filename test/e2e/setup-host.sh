#!/usr/bin/env bash
# Prepares this host for the e2e tests (root; idempotent):
#   1. installs the Debian packages they need when one is missing (apt-get update first);
#   2. creates a network namespace aihow-e2e-<time>-<random> for this run (loopback up) and starts
#      virtlogd and libvirtd INSIDE it, in a private mount namespace whose /etc/libvirt,
#      /run/libvirt, /var/lib/libvirt, /var/cache/libvirt and /var/log/libvirt are folders of this
#      run (under ${AI_HOW_E2E_WORK:-/var/tmp/ai-how-e2e}/<namespace>/). So every bridge, dnsmasq and
#      VM tap lives only in the namespace, the host's libvirt config and any other libvirtd on the
#      host are left alone, and teardown removes everything by deleting one folder. Its qemu.conf
#      (a copy of the host's) runs qemu as root: the guests run under TCG with root-owned files; its
#      libvirtd.conf gives the read-write socket to group libvirt (0770, no polkit: none runs here),
#      as a Debian host does through polkit, so a user in that group can run ai-how against it.
# The daemon is reached from anywhere with AI_HOW_E2E_URI (qemu:///system?socket=<run>/run/libvirt-sock),
# and plain qemu:///system inside (nsenter -t <libvirtd pid> -n -m). What it started is recorded in
# ${AI_HOW_E2E_RUN_DIR:-/run/ai-how-e2e}/host.env; teardown-host.sh stops exactly that. A second call
# while that daemon runs reuses it.
#
#   test/e2e/setup-host.sh [--no-install] [--install-only] [--auto --user PID]
#   test/e2e/setup-host.sh --stop-libvirtd --user PID | --start-libvirtd
# --auto --user PID (what the test harness passes): registers process PID as a user of the daemon;
# a daemon that an --auto call started is torn down by `teardown-host.sh --release PID` once no
# registered user is left. A daemon started without --auto (by hand, or by .ci/run) stays until
# teardown-host.sh without --release.
# --stop-libvirtd --user PID stops only the recorded libvirtd (SIGTERM, as a service manager does;
# its guests, dnsmasq, virtlogd, the namespaces and folders stay) and records that PID stopped it
# (AI_HOW_E2E_LIBVIRTD_STOPPED_BY): while PID runs, a setup call neither reuses nor cleans up the
# daemon. --start-libvirtd starts it again in the same namespaces (entered through virtlogd) with
# the same folders and URI, and records its new pid. Tests that stop the daemon run serialised.
# stdout: the state (KEY=VALUE lines) plus AI_HOW_E2E_CREATED=1 when this call started the daemon.
set -euo pipefail

PACKAGES=(libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils dnsmasq-base iptables genisoimage
  libxml2-utils ansible-core debootstrap iproute2 openssh-client e2fsprogs procps util-linux shellcheck)
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
run_dir="${AI_HOW_E2E_RUN_DIR:-/run/ai-how-e2e}"
work_base="${AI_HOW_E2E_WORK:-/var/tmp/ai-how-e2e}"
state="$run_dir/host.env"
install=1 start=1 auto=0 user="" daemon_op=""
while (($#)); do
  case "$1" in
    --no-install) install=0 ;;
    --install-only) start=0 ;;
    --auto) auto=1 ;;
    --user) user="${2:?--user needs a pid}"; shift ;;
    --stop-libvirtd) daemon_op=stop ;;
    --start-libvirtd) daemon_op=start ;;
    *) echo "usage: $0 [--no-install] [--install-only] [--auto --user PID] | --stop-libvirtd --user PID | --start-libvirtd" >&2; exit 2 ;;
  esac
  shift
done
say() { echo "setup-host.sh: $*" >&2; }
starting=0
die() {
  say "$*"
  # A start that fails halfway removes what it made (the state file names it).
  if ((starting)); then AI_HOW_E2E_LOCKED=1 "$here/teardown-host.sh" >&2 || true; fi
  exit 1
}
[[ "$(id -u)" == 0 ]] || die "needs root (network namespaces, libvirtd); run: sudo $0"

install_packages() {
  local missing=() p guard=0 rc=0
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null | grep -qx installed || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "installing ${missing[*]}"
  # No service manager here: keep package scripts from starting a libvirtd outside the namespace.
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && guard=1
  fi
  { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    >&2 || rc=$?
  ((guard)) && rm -f /usr/sbin/policy-rc.d
  ((rc == 0)) || die "apt-get install failed (exit $rc)"
}

# alive PID [COMM]: runs (a zombie does not count: nothing reaps orphans here) and has that name.
alive() {
  [[ -n "${1:-}" ]] || return 1
  local st; st="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ "$st" != Z* ]] || return 1
  [[ -z "${2:-}" || "$(cat "/proc/$1/comm" 2>/dev/null)" == "$2" ]]
}
gone() { ! alive "$1"; }
field() { sed -n "s/^$1=//p" "$state" 2>/dev/null | head -n1; }

# Our recorded daemon, when it still runs inside our namespace: reuse it.
reuse_if_running() {
  [[ -f "$state" ]] || return 1
  local ns pid uri stopper
  ns="$(field AI_HOW_E2E_NETNS)" pid="$(field AI_HOW_E2E_LIBVIRTD_PID)" uri="$(field AI_HOW_E2E_URI)"
  stopper="$(field AI_HOW_E2E_LIBVIRTD_STOPPED_BY)"
  if alive "$stopper"; then die "libvirtd of namespace $ns is stopped on purpose by pid $stopper (a crash-safety test); retry when it is done"; fi
  if alive "$pid" libvirtd && [[ "$(ip netns identify "$pid" 2>/dev/null)" == "$ns" ]] \
    && virsh -c "$uri" uri >/dev/null 2>&1; then
    say "reusing libvirtd $pid in network namespace $ns"
    cat "$state"; echo AI_HOW_E2E_CREATED=0
    return 0
  fi
  say "stale state (libvirtd ${pid:-?} gone): cleaning up namespace ${ns:-?}"
  AI_HOW_E2E_LOCKED=1 "$here/teardown-host.sh" >&2
  return 1
}

wait_for() { # seconds, command...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

prepare_dirs() { # the run's private libvirt folders
  local w="$1"
  mkdir -p "$w"/{run,lib/images,lib/boot,lib/qemu,lib/dnsmasq,lib/network,cache/qemu,log/qemu,logs}
  cp -a /etc/libvirt "$w/etc"
  rm -f "$w"/etc/qemu/*.xml "$w"/etc/qemu/networks/autostart/* "$w"/etc/storage/*.xml "$w"/etc/storage/autostart/* 2>/dev/null || true
  sed -i -E 's/^([[:space:]]*(user|group)[[:space:]]*=)/#\1/' "$w/etc/qemu.conf"
  printf '\n# ai-how e2e: guests run under TCG with root-owned test files\nuser = "root"\ngroup = "root"\n' >>"$w/etc/qemu.conf"
  # The read-write socket as a Debian host gives it to group libvirt (there through polkit's
  # 60-libvirt.rules; no polkitd runs here): tests run ai-how as a user in that group (harness/test-user.ts).
  sed -i -E 's/^([[:space:]]*(unix_sock_group|unix_sock_rw_perms|auth_unix_rw)[[:space:]]*=)/#\1/' "$w/etc/libvirtd.conf"
  printf '\n# ai-how e2e: group libvirt may manage this daemon, as on a Debian host\nunix_sock_group = "libvirt"\nunix_sock_rw_perms = "0770"\nauth_unix_rw = "none"\n' >>"$w/etc/libvirtd.conf"
}

start_daemons() {
  local ns w uri libvirtd_pid virtlogd_pid
  ns="aihow-e2e-$(date +%Y%m%d%H%M%S)-$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')"
  w="$work_base/$ns"
  uri="qemu:///system?socket=$w/run/libvirt-sock"
  starting=1
  printf 'AI_HOW_E2E_NETNS=%s\nAI_HOW_E2E_WORK=%s\n' "$ns" "$w" >"$state"   # first: teardown can undo a failed start
  prepare_dirs "$w"
  ip netns add "$ns"
  mkdir -p /run/libvirt   # mount point only (an empty folder on the host); the run's folder is mounted on it
  # shellcheck disable=SC2016 # the script's $w is its own argument
  ip netns exec "$ns" unshare --mount --propagation private bash -euc '
    w="$1"
    ip link set lo up
    mount --bind "$w/etc" /etc/libvirt
    mount --bind "$w/run" /run/libvirt
    mount --bind "$w/lib" /var/lib/libvirt
    mount --bind "$w/cache" /var/cache/libvirt
    mount --bind "$w/log" /var/log/libvirt
    LIBVIRT_LOG_OUTPUTS="3:file:$w/logs/virtlogd.log" virtlogd -d -p "$w/run/virtlogd.pid"
    for _ in $(seq 1 100); do [[ -S /run/libvirt/virtlogd-sock ]] && break; sleep 0.2; done
    LIBVIRT_LOG_OUTPUTS="3:file:$w/logs/libvirtd.log" libvirtd -d -p "$w/run/libvirtd.pid"
  ' _ "$w" 9>&- || die "could not start the daemons in namespace $ns (logs: $w/logs)"
  wait_for 30 virsh -c "$uri" uri || die "libvirtd did not answer on $uri within 30 s (log: $w/logs/libvirtd.log)"
  libvirtd_pid="$(cat "$w/run/libvirtd.pid")" virtlogd_pid="$(cat "$w/run/virtlogd.pid")"
  [[ "$(ip netns identify "$libvirtd_pid")" == "$ns" ]] || die "libvirtd $libvirtd_pid is not in namespace $ns"
  cat >"$state" <<EOF
AI_HOW_E2E_NETNS=$ns
AI_HOW_E2E_WORK=$w
AI_HOW_E2E_LIBVIRTD_PID=$libvirtd_pid
AI_HOW_E2E_VIRTLOGD_PID=$virtlogd_pid
AI_HOW_E2E_URI=$uri
AI_HOW_E2E_INNER_URI=qemu:///system
AI_HOW_E2E_LOGS=$w/logs
AI_HOW_E2E_AUTO=$auto
AI_HOW_E2E_STARTED_AT=$(date -u +%Y-%m-%dT%H:%M:%SZ)
EOF
  starting=0
  say "libvirtd $libvirtd_pid runs in network namespace $ns ($uri)"
  cat "$state"; echo AI_HOW_E2E_CREATED=1
}

# set_field KEY [VALUE]: rewrites the state file with KEY=VALUE (no VALUE: without KEY).
set_field() {
  { grep -v "^$1=" "$state" || true; [[ -z "${2:-}" ]] || echo "$1=$2"; } >"$state.new"
  mv "$state.new" "$state"
}

# The recorded libvirtd: stopped as a service manager stops it (SIGTERM; its guests keep running).
stop_libvirtd() {
  [[ -f "$state" ]] || die "no daemon is recorded ($state absent)"
  [[ -n "$user" ]] || die "--stop-libvirtd needs --user PID (the process that starts it again)"
  local ns pid
  ns="$(field AI_HOW_E2E_NETNS)" pid="$(field AI_HOW_E2E_LIBVIRTD_PID)"
  if ! alive "$pid" libvirtd || [[ "$(ip netns identify "$pid" 2>/dev/null)" != "$ns" ]]; then
    die "libvirtd ${pid:-?} of namespace $ns does not run"
  fi
  set_field AI_HOW_E2E_LIBVIRTD_STOPPED_BY "$user"
  kill -TERM "$pid"
  wait_for 30 gone "$pid" || { say "libvirtd $pid ignored SIGTERM for 30 s: KILL"; kill -KILL "$pid" 2>/dev/null || true; }
  say "stopped libvirtd $pid (namespace $ns; guests, dnsmasq and virtlogd keep running)"
  cat "$state"
}

# The recorded libvirtd again, in the namespaces of the run's virtlogd, with the same folders and URI.
start_libvirtd() {
  [[ -f "$state" ]] || die "no daemon is recorded ($state absent)"
  local ns w uri old virtlogd_pid pid
  ns="$(field AI_HOW_E2E_NETNS)" w="$(field AI_HOW_E2E_WORK)" uri="$(field AI_HOW_E2E_URI)"
  old="$(field AI_HOW_E2E_LIBVIRTD_PID)" virtlogd_pid="$(field AI_HOW_E2E_VIRTLOGD_PID)"
  ! alive "$old" libvirtd || die "libvirtd $old of namespace $ns still runs"
  if ! alive "$virtlogd_pid" virtlogd || [[ "$(ip netns identify "$virtlogd_pid" 2>/dev/null)" != "$ns" ]]; then
    die "virtlogd ${virtlogd_pid:-?} of namespace $ns does not run: tear the run down (teardown-host.sh)"
  fi
  nsenter -t "$virtlogd_pid" -n -m env LIBVIRT_LOG_OUTPUTS="3:file:$w/logs/libvirtd.log" \
    libvirtd -d -p "$w/run/libvirtd.pid" 9>&- || die "could not start libvirtd again in namespace $ns (log: $w/logs/libvirtd.log)"
  wait_for 30 virsh -c "$uri" uri || die "libvirtd did not answer on $uri within 30 s (log: $w/logs/libvirtd.log)"
  pid="$(cat "$w/run/libvirtd.pid")"
  [[ "$(ip netns identify "$pid")" == "$ns" ]] || die "libvirtd $pid is not in namespace $ns"
  set_field AI_HOW_E2E_LIBVIRTD_PID "$pid"
  set_field AI_HOW_E2E_LIBVIRTD_STOPPED_BY
  say "libvirtd $pid runs again in network namespace $ns ($uri)"
  cat "$state"; echo AI_HOW_E2E_CREATED=0
}

((install)) && [[ -z "$daemon_op" ]] && install_packages
((start)) || exit 0
mkdir -p "$run_dir" "$work_base"
exec 9>"$run_dir/lock"
flock -w 300 9 || die "another setup/teardown holds $run_dir/lock"
case "$daemon_op" in
  stop) stop_libvirtd; exit 0 ;;
  start) start_libvirtd; exit 0 ;;
esac
register_user() { [[ -z "$user" ]] || { mkdir -p "$run_dir/users" && touch "$run_dir/users/$user"; }; }
if reuse_if_running; then register_user; exit 0; fi
start_daemons
register_user
