#!/usr/bin/env bash
# Builds (once) the small Debian guest image that the e2e tests boot, from Debian packages only.
#
#   test/e2e/build-image.sh            build if missing, then print the image's manifest (KEY=VALUE lines)
#   test/e2e/build-image.sh --print    print the manifest path it would use; build nothing
#
# Cache: ${AI_HOW_E2E_CACHE:-/var/cache/ai-how-e2e}/images/<recipe hash>/ holding base.qcow2,
# vmlinuz, initrd.img and manifest.env. The recipe hash is the sha256 of this file, so any change
# to the package list or the steps below gives a new image; old ones can be deleted by hand.
# The Debian mirror is the one apt on this host uses (/etc/apt/sources.list{,.d}), or
# $AI_HOW_E2E_MIRROR when set. Needs root (debootstrap), debootstrap, e2fsprogs, qemu-utils.
set -euo pipefail

SUITE=bookworm
PACKAGES=systemd-sysv,systemd-resolved,udev,dbus,openssh-server,sudo,python3,python3-minimal,python3-cffi-backend,cloud-init,linux-image-cloud-amd64,e2fsprogs,iproute2,qemu-guest-agent,munge,slurmd,slurmctld,slurm-client
FS_SIZE=2G

self="$(readlink -f "${BASH_SOURCE[0]}")"
cache="${AI_HOW_E2E_CACHE:-/var/cache/ai-how-e2e}"
key="$(sha256sum "$self" | cut -c1-16)"
dir="$cache/images/$key"
manifest="$dir/manifest.env"

if [[ "${1:-}" == "--print" ]]; then echo "$manifest"; exit 0; fi
if [[ -f "$manifest" ]]; then cat "$manifest"; exit 0; fi
[[ "$(id -u)" == 0 ]] || { echo "build-image.sh: needs root (debootstrap); run it with sudo" >&2; exit 1; }

# The mirror that apt on this host already uses for $SUITE (deb822 .sources files first, then one-line lists).
find_mirror() {
  local f uris suites
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    # Paragraphs are separated by blank lines; print URIs of the paragraph whose Suites list $SUITE itself.
    awk -v suite="$SUITE" 'BEGIN{RS=""; FS="\n"} {
        uris=""; ok=0
        for (i=1;i<=NF;i++) {
          if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); uris=$i }
          if ($i ~ /^Suites:/) { n=split($i, s, /[ \t]+/); for (j=2;j<=n;j++) if (s[j]==suite) ok=1 }
        }
        if (ok && uris!="") { split(uris, u, /[ \t]+/); print u[1]; exit }
      }' "$f"
  done | head -n1
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    sed -E 's/\[[^]]*\]//' "$f" | awk -v suite="$SUITE" '$1=="deb" && $3==suite {print $2; exit}'
  done | head -n1
}
mirror="${AI_HOW_E2E_MIRROR:-$(find_mirror | head -n1)}"
[[ -n "$mirror" ]] || { echo "build-image.sh: no apt source for '$SUITE' in /etc/apt; set AI_HOW_E2E_MIRROR" >&2; exit 1; }

mkdir -p "$cache/images"
exec 9>"$cache/images/.lock"
flock 9   # one builder at a time; a second caller waits, then finds the finished image
if [[ -f "$manifest" ]]; then cat "$manifest"; exit 0; fi

work="$(mktemp -d "$cache/images/.build-$key.XXXXXX")"
cleanup() { umount -R "$work/root/proc" "$work/root/sys" 2>/dev/null || true; rm -rf --one-file-system "$work"; }
trap cleanup EXIT
root="$work/root"
start=$SECONDS
echo "build-image.sh: debootstrap $SUITE from $mirror (takes a few minutes, once)" >&2
debootstrap --variant=minbase --include="$PACKAGES" "$SUITE" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
  || { tail -n 30 "$work/debootstrap.log" >&2; echo "build-image.sh: debootstrap failed" >&2; exit 1; }

# Every clone must get its own identity: systemd makes a machine-id at first boot, cloud-init new host keys.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id" "$root"/etc/ssh/ssh_host_*
echo debian >"$root/etc/hostname"
printf '127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"

mkdir -p "$root/etc/systemd/network"
cat >"$root/etc/systemd/network/50-dhcp.network" <<'EOF'
[Match]
Name=en*

[Network]
DHCP=ipv4

[DHCPv4]
ClientIdentifier=mac
EOF
mkdir -p "$root/etc/systemd/system/multi-user.target.wants" "$root/etc/systemd/system/sockets.target.wants" \
  "$root/etc/systemd/system/network-online.target.wants"
ln -sf /lib/systemd/system/systemd-networkd.service "$root/etc/systemd/system/multi-user.target.wants/systemd-networkd.service"
ln -sf /lib/systemd/system/systemd-networkd.socket "$root/etc/systemd/system/sockets.target.wants/systemd-networkd.socket"
ln -sf /lib/systemd/system/systemd-networkd-wait-online.service \
  "$root/etc/systemd/system/network-online.target.wants/systemd-networkd-wait-online.service"

# Slurm (bookworm: 22.05) and munge are installed for plugin-hpc's shipped deploy playbook (the
# harness's guests reach no mirror), but left disabled: the playbook writes the cluster's munge key
# and slurm.conf, then enables and starts them. The key the munge package generated at install
# would be shared by every clone, so it goes.
chroot "$root" systemctl disable munge.service slurmd.service slurmctld.service >/dev/null 2>&1
rm -f "$root/etc/munge/munge.key"

# DNS through systemd-resolved, which asks the libvirt network's dnsmasq (it knows the other
# nodes by name); not the build host's resolv.conf that debootstrap copied in.
ln -sf ../run/systemd/resolve/stub-resolv.conf "$root/etc/resolv.conf"
ln -sf /lib/systemd/system/systemd-resolved.service "$root/etc/systemd/system/multi-user.target.wants/systemd-resolved.service"
# Nothing to scrub on a throwaway guest; it costs ~40 s of boot under TCG.
ln -sf /dev/null "$root/etc/systemd/system/e2scrub_reap.service"

# cloud-init: only the NoCloud seed is ever offered (skip probing metadata services that cannot
# answer); the hostname resolves locally (sudo does not wait on DNS); skip the modules that fail
# in a minimal image (locale: no `locales`) or only cost boot time under TCG.
cat >"$root/etc/cloud/cloud.cfg.d/90-ai-how-e2e.cfg" <<'EOF'
datasource_list: [NoCloud, None]
manage_etc_hosts: true
locale: false
ssh_genkeytypes: [ed25519]
ssh:
  emit_keys_to_console: false
grub_dpkg:
  enabled: false
EOF

chroot "$root" apt-get clean
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log

kernel="$(ls "$root"/boot/vmlinuz-* | sort -V | tail -n1)"
initrd="$(ls "$root"/boot/initrd.img-* | sort -V | tail -n1)"
cp "$kernel" "$work/vmlinuz"
cp "$initrd" "$work/initrd.img"
mke2fs -q -t ext4 -d "$root" -L root "$work/root.img" "$FS_SIZE"
qemu-img convert -O qcow2 "$work/root.img" "$work/base.qcow2"

out="$work/out"
mkdir "$out"
mv "$work/base.qcow2" "$work/vmlinuz" "$work/initrd.img" "$out/"
cat >"$out/manifest.env" <<EOF
AI_HOW_E2E_IMAGE=$dir/base.qcow2
AI_HOW_E2E_KERNEL=$dir/vmlinuz
AI_HOW_E2E_INITRD=$dir/initrd.img
AI_HOW_E2E_CMDLINE="root=/dev/vda rw console=ttyS0"
AI_HOW_E2E_GUEST_USER=debian
AI_HOW_E2E_RECIPE=$key
EOF
rm -rf "$dir"
mv "$out" "$dir"
echo "build-image.sh: built $dir in $((SECONDS - start)) s" >&2
cat "$manifest"
