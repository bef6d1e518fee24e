/**
 * The start step for the nodes that were already running: `cloud stop` stops kubelet and the
 * container runtime before it shuts a VM down, so a stop killed in between leaves a running VM
 * whose node is NotReady. Start starts those units again where they are enabled but not active (a
 * VM that this start booted or restored starts them itself: nothing to do). Not fatal: a node that
 * does not answer is a warning, and the health check says whether the cluster serves.
 */
import type {Step} from '@ai-how/core'
import type {StartRecord} from '@ai-how/plugin-hpc'
import {startStoppedKubeletAndRuntime} from './guest.js'
import type {GuestRunner} from './guest.js'

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

/** The running nodes this start neither created, booted nor restored, with their SSH address. */
function alreadyRunning(record: StartRecord): {name: string; host: string}[] {
  return record.plan
    .filter((p) => p.action === 'keep' && p.running)
    .flatMap((p) => {
      const host = record.ready.find((r) => r.name === p.node.vmName)?.host ?? p.node.ip
      return host === undefined ? [] : [{name: p.node.vmName, host}]
    })
}

export function kubeletStep(record: StartRecord, guest: GuestRunner, started: Record<string, string[]>): Step {
  return {
    title: 'Kubelet and the container runtime on the nodes that were running',
    run: async (ctx) => {
      const nodes = alreadyRunning(record)
      await Promise.all(nodes.map(async (n) => {
        try {
          const units = await startStoppedKubeletAndRuntime(guest, n.host, ctx.signal)
          if (units.length > 0) started[n.name] = units
        } catch (error) {
          ctx.log.warn(`${n.name}: could not check kubelet and the container runtime over SSH (${message(error)})`)
        }
      }))
      const names = Object.keys(started)
      ctx.setTitle(names.length > 0 ? `Started ${Object.values(started).flat().join(', ')} again on ${names.join(', ')} (stopped by a stop that did not finish)` : `Kubelet and the container runtime: nothing to start (${nodes.length} node(s) were running)`)
      return undefined
    },
  }
}
