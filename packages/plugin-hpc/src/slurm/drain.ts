/**
 * `hpc stop`'s drain: the running compute nodes are put in Slurm's drain state (reason "ai-how
 * stop"), then sinfo is polled until each is drained (runs no job any more), bounded by
 * --drain-timeout; the nodes still running jobs then are named. A node a user drained by hand keeps
 * its own reason (it is neither updated nor recorded, so start does not resume it). A controller
 * that does not answer, or a slurmctld that is down, is reported, not thrown: the stop goes on.
 */
import {setTimeout as sleep} from 'node:timers/promises'
import {DRAIN_REASON, isDrain, isDrainDone, SlurmController} from './controller.js'
import type {SlurmNode, SlurmRunner} from './controller.js'

export interface DrainReport {
  /** Whether the controller answered and sinfo/scontrol worked. */
  reachable: boolean
  /** Why the controller could not drain (SSH failed, slurmctld down); null when it did. */
  error: string | null
  /** Nodes this stop put in drain (the next start resumes them). */
  drained: string[]
  /** Of those, nodes still running jobs at the deadline. */
  busy: string[]
  /** Nodes already drained by someone else (their reason is kept; they are not resumed). */
  by_hand: {name: string; reason: string}[]
  /** Running VMs that Slurm does not know. */
  unknown: string[]
  seconds: number
}

export interface DrainOptions {
  timeoutMs: number
  signal?: AbortSignal
  /** Pause between two sinfo polls (default 2 s). */
  pollMs?: number
  onProgress?: (line: string) => void
  now?: () => number
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

function busyNodes(nodes: ReadonlyMap<string, SlurmNode>, names: readonly string[]): string[] {
  return names.filter((n) => {
    const state = nodes.get(n)?.state
    return state !== undefined && !isDrainDone(state)
  })
}

export async function drainNodes(run: SlurmRunner, controllerHost: string, names: readonly string[], options: DrainOptions): Promise<DrainReport> {
  const now = options.now ?? Date.now
  const started = now()
  const slurm = new SlurmController(run, controllerHost, options.signal)
  const report: DrainReport = {reachable: true, error: null, drained: [], busy: [], by_hand: [], unknown: [], seconds: 0}
  const done = (): DrainReport => ({...report, seconds: Math.round((now() - started) / 100) / 10})
  try {
    const before = await slurm.nodes()
    report.unknown = names.filter((n) => !before.has(n))
    for (const n of names) {
      const node = before.get(n)
      if (node !== undefined && isDrain(node.state) && node.reason !== DRAIN_REASON) report.by_hand.push({name: n, reason: node.reason})
    }
    const targets = names.filter((n) => before.has(n) && !report.by_hand.some((h) => h.name === n))
    await slurm.update(targets, 'drain', DRAIN_REASON)
    report.drained = targets
    const deadline = started + options.timeoutMs
    for (;;) {
      report.busy = busyNodes(await slurm.nodes(), targets)
      if (report.busy.length === 0 || now() >= deadline) break
      options.onProgress?.(`waiting for the jobs on ${report.busy.join(', ')} to end`)
      await sleep(Math.min(options.pollMs ?? 2000, Math.max(0, deadline - now())), undefined, options.signal === undefined ? {} : {signal: options.signal})
    }
    return done()
  } catch (error) {
    if (options.signal?.aborted === true) throw error
    return {...done(), reachable: false, error: message(error)}
  }
}
