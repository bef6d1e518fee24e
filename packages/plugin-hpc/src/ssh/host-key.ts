/**
 * Trust on first use, then pinning: the first key a VM shows is accepted and recorded; a VM that
 * later shows another key is refused with SSH_HOST_KEY_MISMATCH.
 */
import {AiHowError} from '@ai-how/core'
import {entriesFor, keyTypeOfBlob} from './known-hosts.js'
import type {KnownHostEntry} from './known-hosts.js'

export type HostKeyCheck =
  | {status: 'known'; type: string; key: string}
  | {status: 'new'; type: string; key: string}
  | {status: 'mismatch'; type: string; key: string; recorded: KnownHostEntry[]}

/** Compares the key a server presented (its blob) with what the file records for these patterns. */
export function checkHostKey(entries: readonly KnownHostEntry[], patterns: readonly string[], blob: Buffer): HostKeyCheck {
  const type = keyTypeOfBlob(blob)
  const key = blob.toString('base64')
  const recorded = entriesFor(entries, patterns)
  if (recorded.length === 0) return {status: 'new', type, key}
  if (recorded.some((e) => e.type === type && e.key === key)) return {status: 'known', type, key}
  return {status: 'mismatch', type, key, recorded}
}

export function hostKeyMismatchError(host: string, pattern: string, knownHostsFile: string, check: HostKeyCheck): AiHowError {
  return new AiHowError(`the SSH host key of ${host} does not match the key recorded in ${knownHostsFile} (it now presents ${check.type})`, {
    code: 'SSH_HOST_KEY_MISMATCH',
    actions: [
      `If the VM was re-created (destroy, then start), its host key changed: remove the old entry with: ssh-keygen -R '${pattern}' -f ${knownHostsFile}`,
      `If the VM was not re-created, another machine answers at ${host}: look for an address conflict on the cluster network before trusting it.`,
    ],
    details: {host, knownHostsFile, presentedType: check.type},
  })
}

export function hostKeyUnknownError(host: string, knownHostsFile: string): AiHowError {
  return new AiHowError(`the SSH host key of ${host} is not recorded in ${knownHostsFile}`, {
    code: 'SSH_HOST_KEY_UNKNOWN',
    actions: [`Start the cluster again (ai-how records host keys while it waits for SSH), or add the key to ${knownHostsFile} yourself.`],
    details: {host, knownHostsFile},
  })
}
