/**
 * The error for a node that never answered SSH, with the next steps ordered by what the last
 * failure suggests: refused (booted, sshd not up), timed out (no address yet), or key refused.
 */
import {AiHowError} from '@ai-how/core'

export interface SshFailureHints {
  /** The VM's console / qemu log, e.g. /var/log/libvirt/qemu/<domain>.log. */
  consoleLogPath?: string
  /** The libvirt network whose DHCP leases to look at. */
  networkName?: string
  /** The libvirt domain name. */
  domainName?: string
}

export interface SshTimeoutFacts {
  host: string
  port: number
  user: string
  attempts: number
  elapsedMs: number
  lastReason: string
  lastMessage: string
  knownHostsFile: string
  hints?: SshFailureHints
}

export function sshTimeoutError(f: SshTimeoutFacts): AiHowError {
  const who = f.hints?.domainName === undefined ? '' : ` (${f.hints.domainName})`
  const message = `${f.user}@${f.host}:${f.port}${who} did not answer SSH within ${(f.elapsedMs / 1000).toFixed(1)} s ` +
    `after ${f.attempts} attempt${f.attempts === 1 ? '' : 's'}; last error ${f.lastReason}: ${f.lastMessage}`
  return new AiHowError(message, {
    code: 'SSH_TIMEOUT',
    actions: actionsFor(f),
    details: {host: f.host, port: f.port, user: f.user, attempts: f.attempts, elapsedMs: f.elapsedMs, lastError: f.lastReason, lastMessage: f.lastMessage},
  })
}

function actionsFor(f: SshTimeoutFacts): string[] {
  const domain = f.hints?.domainName ?? '<domain>'
  const consoleLog = `Read the VM's console log to see whether it booted and cloud-init ran: ${f.hints?.consoleLogPath ?? `/var/log/libvirt/qemu/${domain}.log`} (or virsh console ${domain}).`
  const lease = `Check that the VM got its reserved address: virsh net-dhcp-leases ${f.hints?.networkName ?? '<network>'}. ` +
    'If several VMs share one lease, or none gets its address, the image has a fixed /etc/machine-id (the DHCP client id is derived from it): ' +
    'empty /etc/machine-id in the image so that each VM gets its own (the seed asks for a MAC-based client id, dhcp-identifier: mac, ' +
    'but cloud-init 22.4 on Debian 12 does not pass it on to systemd-networkd).'
  const key = `Check the key: cloud-init puts the cluster's public key on user '${f.user}' (ssh.user); try ` +
    `ssh -i KEY -o UserKnownHostsFile=${f.knownHostsFile} -p ${f.port} ${f.user}@${f.host} true`
  const slow = 'A first boot under software emulation (enable_kvm: false) can take minutes: allow more time if the VM is still booting.'
  switch (f.lastReason) {
    case 'AUTH_FAILED': return [key, consoleLog]
    case 'ECONNREFUSED': return [consoleLog, key, slow]
    default: return [lease, consoleLog, slow]
  }
}
