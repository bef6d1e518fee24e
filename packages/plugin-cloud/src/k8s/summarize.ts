/**
 * Pure summaries of what the API lists: which expected nodes are Ready (with the Ready condition's
 * reason and message when not), and which kube-system pods are not running (with the waiting or
 * terminated container's reason, or why the pod is not scheduled).
 */
import type {V1Node, V1NodeCondition, V1Pod} from '@kubernetes/client-node'

export interface NodeProblem {
  name: string
  reason: string
}

export interface PodProblem {
  namespace: string
  name: string
  /** The pod phase: Pending, Running (with a container not running), Failed, Unknown. */
  phase: string
  reason: string | null
}

export interface NodesSummary {
  /** False when the node list could not be read (the numbers are then 0 of the expected). */
  checked: boolean
  ready: number
  total: number
  not_ready: NodeProblem[]
  /** Nodes marked unschedulable (cordoned), Ready or not. */
  cordoned: string[]
}

export interface PodsSummary {
  checked: boolean
  running: number
  total: number
  not_running: PodProblem[]
}

export const NOT_REGISTERED = 'not registered with the API server'

/** Summarises `expected` nodes (every listed node when `expected` is empty). */
export function summarizeNodes(items: readonly V1Node[], expected: readonly string[]): NodesSummary {
  const byName = new Map(items.map((node) => [node.metadata?.name ?? '', node]))
  const names = expected.length > 0 ? expected : [...byName.keys()].sort()
  const summary: NodesSummary = {checked: true, ready: 0, total: names.length, not_ready: [], cordoned: []}
  for (const name of names) {
    const node = byName.get(name)
    if (node === undefined) {
      summary.not_ready.push({name, reason: NOT_REGISTERED})
      continue
    }
    if (node.spec?.unschedulable === true) summary.cordoned.push(name)
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready')
    if (ready?.status === 'True') summary.ready += 1
    else summary.not_ready.push({name, reason: describeCondition(ready)})
  }
  return summary
}

function describeCondition(condition: V1NodeCondition | undefined): string {
  if (condition === undefined) return 'no Ready condition yet'
  const why = [condition.reason, condition.message].filter((s) => s !== undefined && s !== '').join(': ')
  return `Ready=${condition.status}${why === '' ? '' : ` (${why})`}`
}

/** Summarises pods: Succeeded, or Running with every container running, counts as running. */
export function summarizePods(items: readonly V1Pod[]): PodsSummary {
  const not_running = items.map(podProblem).filter((p): p is PodProblem => p !== null)
  return {checked: true, running: items.length - not_running.length, total: items.length, not_running}
}

export function podProblem(pod: V1Pod): PodProblem | null {
  const phase = pod.status?.phase ?? 'Unknown'
  const ref = {namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? ''}
  if (phase === 'Succeeded') return null
  const container = containerProblem(pod)
  if (phase === 'Running') return container === null ? null : {...ref, phase, reason: container}
  return {...ref, phase, reason: container ?? podReason(pod)}
}

function containerProblem(pod: V1Pod): string | null {
  for (const c of pod.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting
    if (waiting !== undefined) return joined(`${c.name}: ${waiting.reason ?? 'waiting'}`, waiting.message)
    const terminated = c.state?.terminated
    if (terminated !== undefined) return joined(`${c.name}: ${terminated.reason ?? 'terminated'} (exit ${terminated.exitCode})`, terminated.message)
  }
  return null
}

function podReason(pod: V1Pod): string | null {
  if (pod.status?.reason !== undefined) return joined(pod.status.reason, pod.status.message)
  const unscheduled = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False')
  if (unscheduled !== undefined) return joined(unscheduled.reason ?? 'not scheduled', unscheduled.message)
  return null
}

function joined(head: string, message: string | undefined): string {
  return message === undefined || message === '' ? head : `${head}: ${message}`
}
