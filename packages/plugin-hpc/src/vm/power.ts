/**
 * Stopping many domains at once: an ACPI shutdown request to each, then one `domstate` batch per
 * poll (a bounded number of virsh processes whatever the node count) until every domain is off or
 * the timeout passes; whatever still runs then is powered off.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import type {DomainState, Hypervisor} from '../hypervisor/types.js'
import {ignoring} from './transaction.js'

/** States in which a domain holds resources and must be stopped. */
export function isActiveState(state: DomainState): boolean {
  return state !== 'shutoff' && state !== 'absent' && state !== 'crashed' && state !== 'nostate'
}

export interface ShutdownReport {
  /** Stopped by the guest itself after the ACPI request. */
  graceful: string[]
  /** Powered off after the timeout (or because they could not take an ACPI request). */
  forced: string[]
}

export interface ShutdownOptions {
  timeoutMs: number
  pollMs?: number
  signal?: AbortSignal
  onProgress?: (line: string) => void
}

export async function shutdownAll(hv: Hypervisor, names: readonly string[], options: ShutdownOptions): Promise<ShutdownReport> {
  const report: ShutdownReport = {graceful: [], forced: []}
  if (names.length === 0) return report
  const pending = new Set(names)
  await Promise.all(
    names.map(async (name) => {
      try {
        await hv.shutdownDomain(name)
      } catch {
        // A paused or half-booted guest may refuse the request: it is powered off below.
      }
    }),
  )
  const deadline = Date.now() + options.timeoutMs
  const poll = options.pollMs ?? 1000
  while (pending.size > 0) {
    const states = await hv.domainStates([...pending])
    for (const [name, state] of states) {
      if (!isActiveState(state)) {
        pending.delete(name)
        report.graceful.push(name)
      }
    }
    if (pending.size === 0 || Date.now() >= deadline || options.signal?.aborted === true) break
    options.onProgress?.(`waiting for ${pending.size} VM(s) to shut down (${Math.ceil((deadline - Date.now()) / 1000)} s left)`)
    await sleep(Math.min(poll, Math.max(0, deadline - Date.now())))
  }
  for (const name of pending) {
    options.onProgress?.(`powering off ${name}`)
    await ignoring(['HYPERVISOR_NOT_ACTIVE', 'HYPERVISOR_DOMAIN_NOT_FOUND'], () => hv.forceOffDomain(name))
    report.forced.push(name)
  }
  return report
}
