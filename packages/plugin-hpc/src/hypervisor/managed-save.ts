/**
 * Suspend and resume over virsh: libvirt's managed save (the domain's memory written to a file the
 * daemon keeps, restored by the next `virsh start`), and the guest clock through the QEMU guest
 * agent (`virsh domtime`), which a restored guest needs corrected.
 */
import type {VirshRunner} from './runner.js'
import {checkName} from './validate.js'

/** Writing a VM's memory out is bounded by disk speed: a generous bound, far above a few GiB. */
export const MANAGED_SAVE_TIMEOUT_MS = 600_000
/** A guest agent that does not answer within this is treated as absent. */
export const GUEST_TIME_TIMEOUT_MS = 15_000

/** `virsh managedsave NAME`: saves the memory and stops the domain (it shows as shut off, with a saved image). */
export async function managedSaveDomain(runner: VirshRunner, name: string): Promise<void> {
  checkName(name, 'domain')
  await runner.run(['managedsave', name], {timeoutMs: MANAGED_SAVE_TIMEOUT_MS})
}

/** `virsh managedsave-remove NAME`: drops the saved image (the next start boots afresh). */
export async function removeManagedSave(runner: VirshRunner, name: string): Promise<void> {
  checkName(name, 'domain')
  await runner.run(['managedsave-remove', name])
}

/** Which of `names` have a managed-save image: one `virsh list --with-managed-save` whatever their number. */
export async function managedSavedDomains(runner: VirshRunner, names: readonly string[]): Promise<Set<string>> {
  for (const name of names) checkName(name, 'domain')
  if (names.length === 0) return new Set()
  const saved = new Set((await runner.run(['list', '--all', '--name', '--with-managed-save'])).split('\n').map((l) => l.trim()).filter((l) => l !== ''))
  return new Set(names.filter((n) => saved.has(n)))
}

/** Parses `virsh domtime NAME`: "Time: 1764530000" (seconds since the epoch, guest clock). */
export function parseDomtime(text: string): number {
  const match = /Time:\s*(\d+)/.exec(text)
  if (match?.[1] === undefined) throw new Error(`unexpected virsh domtime output: ${JSON.stringify(text.slice(0, 200))}`)
  return Number(match[1])
}

/** The guest's clock in seconds since the epoch, read through the guest agent. */
export async function guestTime(runner: VirshRunner, name: string): Promise<number> {
  checkName(name, 'domain')
  return parseDomtime(await runner.run(['domtime', name], {timeoutMs: GUEST_TIME_TIMEOUT_MS}))
}

/** `virsh domtime NAME --sync`: the guest agent's guest-set-time with the host's clock. */
export async function syncGuestTime(runner: VirshRunner, name: string): Promise<void> {
  checkName(name, 'domain')
  await runner.run(['domtime', name, '--sync'], {timeoutMs: GUEST_TIME_TIMEOUT_MS})
}
