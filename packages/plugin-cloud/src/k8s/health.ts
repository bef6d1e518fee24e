/**
 * checkHealth: looks at the cluster until it is healthy or the deadline passes, and returns the
 * last look. An unhealthy or unreachable cluster is a report, never an error; a 401/403 or an
 * untrusted certificate ends the wait at once (waiting will not fix them).
 */
import {openClient} from './client.js'
import {observe} from './observe.js'
import type {CloudHealth} from './observe.js'
import {Deadline, pause} from './timing.js'

export interface CheckHealthOptions {
  /** Kubernetes node names expected Ready (the VM names of the started nodes); empty: every listed node. */
  nodes: readonly string[]
  /** How long to keep looking, counted once the kubeconfig and the client library are loaded. */
  deadlineMs: number
  /** An abort rejects with the signal's reason. */
  signal?: AbortSignal
  /** Pause between looks (default 2000 ms). */
  intervalMs?: number
  /** Bound on one request (default 10 s), cut to the time left (never under 0.5 s). */
  requestTimeoutMs?: number
  /** Called with each look, e.g. to show progress. */
  onAttempt?: (health: CloudHealth) => void
}

/** Throws only KubeconfigError (file missing or not a kubeconfig) and the signal's abort reason. */
export async function checkHealth(kubeconfigPath: string, options: CheckHealthOptions): Promise<CloudHealth> {
  const started = Date.now()
  const client = await openClient(kubeconfigPath, options.signal)
  const deadline = new Deadline(options.deadlineMs)
  const interval = options.intervalMs ?? 2000
  for (let attempts = 1; ; attempts++) {
    const {health, definitive} = await observe(client, options.nodes, deadline.requestTimeout(options.requestTimeoutMs ?? 10_000))
    const result: CloudHealth = {...health, attempts, elapsed_ms: Date.now() - started}
    options.onAttempt?.(result)
    const wait = Math.min(interval, deadline.remaining)
    if (result.healthy || definitive || wait <= 0) return result
    await pause(wait, options.signal)
  }
}
