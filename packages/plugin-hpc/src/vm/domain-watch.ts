/**
 * While start waits for SSH, the domains it waits for must keep running. One that shuts off
 * meanwhile (a shutdown asked before this start, e.g. by a stop that was interrupted, or from inside
 * the guest) would never answer, and a libvirt that stopped answering cannot record the result:
 * either ends the wait at once, with its own error, instead of at the SSH deadline.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import {AiHowError, hasCode} from '@ai-how/core'
import type {Hypervisor} from '../hypervisor/types.js'

/** How often the domains are looked at (one virsh process for all of them). */
export const WATCH_INTERVAL_MS = 5000

const GONE = new Set(['shutoff', 'crashed', 'absent'])

export function vmStoppedError(stopped: readonly string[]): AiHowError {
  return new AiHowError(`${stopped.join(', ')} stopped while start waited for SSH (a shutdown asked before this start, e.g. by an interrupted stop, or from inside the guest)`, {
    code: 'VM_STOPPED_DURING_START',
    actions: ['Run the same start command again: it boots the VMs that are shut off.'],
    details: {stopped},
  })
}

/**
 * Looks at `names` every `intervalMs` until `done` is aborted; aborts `stop` with the reason to end
 * the wait: VM_STOPPED_DURING_START, or the HYPERVISOR_UNREACHABLE of the look (any other failed
 * look is tried again at the next interval).
 */
export async function watchDomains(hv: Pick<Hypervisor, 'domainStates'>, names: readonly string[], stop: AbortController, done: AbortSignal, intervalMs = WATCH_INTERVAL_MS): Promise<void> {
  // A function, not the property: the look below awaits, and `done` may be aborted meanwhile.
  const ended = (): boolean => done.aborted
  while (!ended() && names.length > 0) {
    try {
      await sleep(intervalMs, undefined, {signal: done})
    } catch {
      return
    }
    let states: Map<string, string>
    try {
      states = await hv.domainStates(names)
    } catch (error) {
      if (!hasCode(error, 'HYPERVISOR_UNREACHABLE')) continue
      if (!ended()) stop.abort(error)
      return
    }
    const stopped = names.filter((n) => GONE.has(states.get(n) ?? 'absent'))
    if (stopped.length > 0 && !ended()) {
      stop.abort(vmStoppedError(stopped.map((n) => `${n} (${states.get(n) ?? 'absent'})`)))
      return
    }
  }
}
