/**
 * drainNodes: cordons the nodes, evicts their pods (DaemonSet and mirror pods excepted) a few at a
 * time, and waits until the evicted pods are gone, all within one deadline. An unreachable or
 * refusing API is a report (reachable/error), not an error; nodes the API does not know are skipped.
 */
import type {V1Node} from '@kubernetes/client-node'
import type {K8sClient} from './client.js'
import {openClient} from './client.js'
import {setUnschedulable} from './cordon.js'
import {drainPod, evictAndWait, skipReason} from './evict.js'
import type {DrainPod, PodRef} from './evict.js'
import {Deadline, mapBounded} from './timing.js'

export interface BlockedPod extends PodRef {
  reason: string
}

export interface SkippedPod extends PodRef {
  reason: 'DaemonSet' | 'mirror pod'
}

export interface DrainReport {
  /** The API server answered. */
  reachable: boolean
  /** Why the drain could not be done (in full or in part), else null. */
  error: string | null
  /** Nodes this drain cordoned. */
  cordoned: string[]
  /** Nodes that were cordoned before (left cordoned; not for an uncordon to undo). */
  already_cordoned: string[]
  /** Requested nodes the API does not know (skipped). */
  unknown_nodes: string[]
  /** Pods evicted and gone. */
  evicted: PodRef[]
  /** Pods still there at the deadline: a PodDisruptionBudget refused the eviction, or still terminating. */
  blocked: BlockedPod[]
  /** DaemonSet and mirror pods, left alone. */
  skipped: SkippedPod[]
  elapsed_ms: number
}

export type DrainEvent =
  | {kind: 'cordoned'; node: string; message: string}
  | {kind: 'evicting' | 'accepted' | 'retrying' | 'evicted' | 'blocked'; pod: PodRef; message: string}

export interface DrainOptions {
  /** The whole drain's budget, counted once the kubeconfig and the client library are loaded. */
  timeoutMs: number
  /** An abort rejects with the signal's reason (nodes cordoned so far stay cordoned). */
  signal?: AbortSignal
  onProgress?: (event: DrainEvent) => void
  /** Pods evicted at once (default 8). */
  concurrency?: number
  /** Pause before asking again after a 429 (default 2000 ms; longer when the server says so). */
  retryIntervalMs?: number
  /** Pause between checks that an evicted pod is gone (default 1000 ms). */
  pollIntervalMs?: number
  /** Bound on one request (default 10 s). */
  requestTimeoutMs?: number
}

const podName = (p: PodRef): string => `${p.namespace}/${p.name}`

export async function drainNodes(kubeconfigPath: string, nodes: readonly string[], options: DrainOptions): Promise<DrainReport> {
  const started = Date.now()
  const client = await openClient(kubeconfigPath, options.signal)
  const deadline = new Deadline(options.timeoutMs)
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
  const emit = options.onProgress ?? (() => undefined)
  const report: DrainReport = {reachable: true, error: null, cordoned: [], already_cordoned: [], unknown_nodes: [], evicted: [], blocked: [], skipped: [], elapsed_ms: 0}
  const errors: string[] = []
  const done = (): DrainReport => ({...report, error: errors.length > 0 ? errors.join('; ') : null, elapsed_ms: Date.now() - started})

  const list = await client.call(deadline.requestTimeout(requestTimeoutMs), (o) => client.core.listNode({}, o))
  if (!list.ok) {
    report.reachable = list.failure.status !== null
    errors.push(list.failure.message)
    return done()
  }
  const byName = new Map<string, V1Node>(list.value.items.map((n) => [n.metadata?.name ?? '', n]))
  report.unknown_nodes = nodes.filter((n) => !byName.has(n))
  const known = nodes.filter((n) => byName.has(n))
  report.already_cordoned = known.filter((n) => byName.get(n)?.spec?.unschedulable === true)

  await Promise.all(
    known.filter((n) => !report.already_cordoned.includes(n)).map(async (node) => {
      const outcome = await setUnschedulable(client, node, true, deadline.requestTimeout(requestTimeoutMs))
      if (!outcome.ok) {
        errors.push(`cannot cordon ${node}: ${outcome.failure.message}`)
        return
      }
      report.cordoned.push(node)
      emit({kind: 'cordoned', node, message: `cordoned ${node}`})
    }),
  )
  report.cordoned.sort((a, b) => known.indexOf(a) - known.indexOf(b))

  const pods = (await Promise.all(known.map((node) => podsOf(client, node, deadline.requestTimeout(requestTimeoutMs), errors)))).flat()
  for (const {pod, skip} of pods) if (skip !== null) report.skipped.push({namespace: pod.namespace, name: pod.name, node: pod.node, reason: skip})
  const toEvict = pods.filter((p) => p.skip === null).map((p) => p.pod)

  const ctx = {
    client,
    deadline,
    requestTimeoutMs,
    retryIntervalMs: options.retryIntervalMs ?? 2000,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    signal: options.signal,
    onAccepted: (pod: PodRef) => {
      emit({kind: 'accepted', pod, message: `eviction of ${podName(pod)} accepted`})
    },
    onRetry: (pod: PodRef, failure: {message: string}) => {
      emit({kind: 'retrying', pod, message: `eviction of ${podName(pod)} refused, retrying: ${failure.message}`})
    },
  }
  await mapBounded(toEvict, options.concurrency ?? 8, async (pod) => {
    emit({kind: 'evicting', pod: ref(pod), message: `evicting ${podName(pod)} from ${pod.node}`})
    const blocked = await evictAndWait(pod, ctx)
    if (blocked === null) {
      report.evicted.push(ref(pod))
      emit({kind: 'evicted', pod: ref(pod), message: `evicted ${podName(pod)}`})
    } else {
      report.blocked.push({...ref(pod), reason: blocked})
      emit({kind: 'blocked', pod: ref(pod), message: `${podName(pod)} is still on ${pod.node}: ${blocked}`})
    }
  })
  return done()
}

function ref(pod: DrainPod): PodRef {
  return {namespace: pod.namespace, name: pod.name, node: pod.node}
}

async function podsOf(client: K8sClient, node: string, timeoutMs: number, errors: string[]): Promise<{pod: DrainPod; skip: SkippedPod['reason'] | null}[]> {
  const outcome = await client.call(timeoutMs, (o) => client.core.listPodForAllNamespaces({fieldSelector: `spec.nodeName=${node}`}, o))
  if (!outcome.ok) {
    errors.push(`cannot list the pods of ${node}: ${outcome.failure.message}`)
    return []
  }
  return outcome.value.items.map((pod) => ({pod: drainPod(pod, node), skip: skipReason(pod)}))
}
