/** The human lines of the cloud commands (stderr; --json returns the result objects instead): the VM summaries plus the Kubernetes part. */
import {renderStatusTable, startSummary, stopSummary} from '@ai-how/plugin-hpc'
import type {ClusterStatus, StartResult, StopResult} from '@ai-how/plugin-hpc'

interface K8sFacts {
  kubeconfig?: string | null
  healthy?: boolean | null
  api_reachable?: boolean
  version?: string | null
  nodes_ready?: string
  pods_running?: string
  reason?: string
  error?: string | null
  uncordoned?: string[]
  runtime_started?: Record<string, string[]>
  not_ready?: {name: string; reason?: string}[]
}

export function cloudStartSummary(r: StartResult): string {
  const k = (r.kubernetes ?? {}) as K8sFacts
  const lines = [startSummary(r)]
  for (const n of (r.left_out ?? []) as {name: string; reason: string}[]) lines.push(`  ${n.name}: defined, not started (${n.reason})`)
  if (k.kubeconfig) lines.push(`  kubeconfig: ${k.kubeconfig}   (kubectl --kubeconfig ${k.kubeconfig} get nodes)`)
  if (k.healthy === true) lines.push(`  kubernetes: healthy, ${k.version ?? '?'}, nodes Ready ${k.nodes_ready ?? '?'}`)
  if ((k.uncordoned ?? []).length > 0) lines.push(`  uncordoned: ${(k.uncordoned ?? []).join(', ')}`)
  for (const [node, units] of Object.entries(k.runtime_started ?? {})) lines.push(`  ${node}: started ${units.join(', ')} again (a stop that did not finish had stopped them)`)
  return lines.join('\n')
}

export function cloudStopSummary(r: StopResult): string {
  const drain = (r as StopResult & {drain?: {not_run?: string; reachable?: boolean; error?: string | null; cordoned?: string[]; evicted?: unknown[]; blocked?: {namespace: string; name: string}[]} | null}).drain
  const lines = [stopSummary(r)]
  if (drain?.not_run !== undefined) lines.push(`  drain: not done (${drain.not_run})`)
  else if (drain?.reachable === false) lines.push(`  drain: the Kubernetes API did not answer (${drain.error ?? 'unreachable'})`)
  else if (drain) lines.push(`  drain: cordoned ${drain.cordoned?.length ?? 0} node(s), evicted ${drain.evicted?.length ?? 0} pod(s)${drain.blocked?.length ? `, not evicted: ${drain.blocked.map((p) => `${p.namespace}/${p.name}`).join(', ')}` : ''}; the next cloud start uncordons them`)
  return lines.join('\n')
}

export function cloudStatusText(s: ClusterStatus): string {
  const k = ((s as ClusterStatus & {kubernetes?: K8sFacts}).kubernetes ?? {})
  const api = k.api_reachable === true ? `API reachable, ${k.version ?? 'version ?'}, nodes Ready ${k.nodes_ready ?? '?'}, kube-system pods running ${k.pods_running ?? '?'}${k.healthy === true ? ': healthy' : ': NOT healthy'}` : `API not reachable (${k.reason ?? k.error ?? 'no answer'})`
  const notReady = (k.not_ready ?? []).map((n) => `  not Ready: ${n.name}${n.reason ? ` (${n.reason})` : ''}`)
  return `${renderStatusTable(s)}\nKubernetes: ${api}\n${notReady.map((l) => `${l}\n`).join('')}${k.kubeconfig ? `  kubeconfig: ${k.kubeconfig}\n` : ''}`
}
