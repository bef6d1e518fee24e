/**
 * Host keys are known before the first connection (ai-how generates them, see node-host-keys.ts):
 * a VM that shows a key recorded for its address or name is accepted; one that shows another key is
 * refused with SSH_HOST_KEY_MISMATCH, and one with no key recorded at all with SSH_HOST_KEY_UNKNOWN.
 * No key is ever accepted on first use.
 */
import {AiHowError} from '@ai-how/core'
import {entriesFor, keyTypeOfBlob} from './known-hosts.js'
import type {KnownHostEntry} from './known-hosts.js'

export type HostKeyCheck =
  | {status: 'known'; type: string; key: string}
  | {status: 'new'; type: string; key: string}
  | {status: 'mismatch'; type: string; key: string; recorded: KnownHostEntry[]}

/**
 * Compares the key a server presented (its blob) with what the file records. `patterns` are in
 * order of authority: the first one with a recorded key decides (a node's VM name before the
 * address a DHCP lease gave it, which an earlier line may still record for another node).
 */
export function checkHostKey(entries: readonly KnownHostEntry[], patterns: readonly string[], blob: Buffer): HostKeyCheck {
  const type = keyTypeOfBlob(blob)
  const key = blob.toString('base64')
  const decisive = patterns.find((p) => entriesFor(entries, [p]).length > 0)
  const recorded = decisive === undefined ? [] : entriesFor(entries, [decisive])
  if (recorded.length === 0) return {status: 'new', type, key}
  if (recorded.some((e) => e.type === type && e.key === key)) return {status: 'known', type, key}
  return {status: 'mismatch', type, key, recorded}
}

/** `vm-name (10.0.0.5)`, or the address alone when it has no second name. */
function nodeLabel(host: string, alias: string | undefined): string {
  return alias === undefined || alias === '' || alias === host ? host : `${alias} (${host})`
}

export function hostKeyMismatchError(host: string, alias: string | undefined, knownHostsFile: string, check: HostKeyCheck): AiHowError {
  const node = nodeLabel(host, alias)
  return new AiHowError(`refusing ${node}: its SSH host key (${check.type}) is not the one ai-how generated for it and recorded in ${knownHostsFile}`, {
    code: 'SSH_HOST_KEY_MISMATCH',
    actions: [
      `Another machine may answer at ${host}: look for an address conflict on the cluster network before trusting it.`,
      `Or the guest did not install the host key from its cloud-init seed (ssh_keys): check /var/log/cloud-init.log on the VM (console: virsh console ${alias ?? host}).`,
      'A VM whose disk was replaced outside ai-how: destroy the cluster and start it again.',
    ],
    details: {host, node: alias ?? host, knownHostsFile, presentedType: check.type},
  })
}

export function hostKeyUnknownError(host: string, alias: string | undefined, knownHostsFile: string): AiHowError {
  const node = nodeLabel(host, alias)
  return new AiHowError(`refusing ${node}: no SSH host key is recorded for it in ${knownHostsFile} (ai-how records each node's key before the node first boots, and trusts no other)`, {
    code: 'SSH_HOST_KEY_UNKNOWN',
    actions: [
      `If ${knownHostsFile} was removed or edited, start the cluster again: ai-how writes the keys of the nodes it generated keys for.`,
      'A VM created by an ai-how that did not generate host keys has none recorded: destroy the cluster and start it again.',
    ],
    details: {host, node: alias ?? host, knownHostsFile},
  })
}
