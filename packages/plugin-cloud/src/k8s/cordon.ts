/**
 * Cordon and uncordon: a JSON merge patch of spec.unschedulable (the client's default PATCH type is
 * JSON Patch, so the Content-Type is set on every call). ai-how's cordon also puts CORDONED_BY on the
 * node in the same patch, and its uncordon takes it off: a stop killed after it cordoned, before it
 * recorded anything, leaves the mark in the cluster itself, and the next start uncordons the nodes
 * that carry it (a node someone else cordoned has no mark and stays cordoned).
 */
import type {V1Node} from '@kubernetes/client-node'
import {MERGE_PATCH, openClient} from './client.js'
import type {K8sClient, Outcome} from './client.js'

export interface UncordonReport {
  /** The API server answered. */
  reachable: boolean
  /** Why some or all nodes could not be uncordoned, else null. */
  error: string | null
  uncordoned: string[]
  /** Requested nodes the API does not know. */
  unknown_nodes: string[]
}

export interface UncordonOptions {
  signal?: AbortSignal
  /** Bound on one request (default 10 s). */
  requestTimeoutMs?: number
}

/** The annotation ai-how's cordon sets (value: the command that cordoned) and its uncordon removes. */
export const CORDONED_BY = 'ai-how.dev/cordoned-by'

export async function setUnschedulable(client: K8sClient, node: string, unschedulable: boolean, timeoutMs: number): Promise<Outcome<V1Node>> {
  const body = {metadata: {annotations: {[CORDONED_BY]: unschedulable ? 'cloud-stop' : null}}, spec: {unschedulable}}
  return client.call(timeoutMs, (o) => client.core.patchNode({name: node, body}, o), MERGE_PATCH)
}

/**
 * Marks schedulable again those of `nodes` that are cordoned, and every cordoned node that carries
 * ai-how's CORDONED_BY mark (cordoned by a stop that did not live to record it); others are left alone.
 */
export async function uncordonNodes(kubeconfigPath: string, nodes: readonly string[], options: UncordonOptions = {}): Promise<UncordonReport> {
  const client = await openClient(kubeconfigPath, options.signal)
  const timeout = options.requestTimeoutMs ?? 10_000
  const list = await client.call(timeout, (o) => client.core.listNode({}, o))
  if (!list.ok) return {reachable: list.failure.status !== null, error: list.failure.message, uncordoned: [], unknown_nodes: []}
  const byName = new Map(list.value.items.map((n) => [n.metadata?.name ?? '', n]))
  const unknown_nodes = nodes.filter((n) => !byName.has(n))
  const marked = [...byName.values()].filter((n) => n.metadata?.annotations?.[CORDONED_BY] !== undefined).map((n) => n.metadata?.name ?? '')
  const cordoned = [...new Set([...nodes, ...marked])].filter((n) => byName.get(n)?.spec?.unschedulable === true)
  const results = await Promise.all(cordoned.map(async (node) => ({node, outcome: await setUnschedulable(client, node, false, timeout)})))
  const errors = results.flatMap(({node, outcome}) => (outcome.ok ? [] : [`cannot uncordon ${node}: ${outcome.failure.message}`]))
  return {
    reachable: true,
    error: errors.length > 0 ? errors.join('; ') : null,
    uncordoned: results.filter((r) => r.outcome.ok).map((r) => r.node),
    unknown_nodes,
  }
}
