/**
 * One look at the cluster, four calls at once: GET /readyz, the server version, the node list and
 * the kube-system pods. Builds the CloudHealth report with its checks in the HealthReport form.
 */
import type {HealthReport} from '@ai-how/core'
import type {ApiFailure} from './api-error.js'
import {rawFailure} from './client.js'
import type {K8sClient, Outcome, RawResponse} from './client.js'
import {summarizeNodes, summarizePods} from './summarize.js'
import type {NodesSummary, PodsSummary} from './summarize.js'

export type HealthCheck = HealthReport['checks'][number]

export interface ApiSummary {
  /** The API server answered HTTP (any status, 401 included). */
  reachable: boolean
  /** GET /readyz answered 200. */
  ready: boolean
  /** gitVersion, e.g. v1.31.4. */
  version: string | null
  error: string | null
}

export interface CloudHealth extends HealthReport {
  healthy: boolean
  api: ApiSummary
  nodes: NodesSummary
  pods: PodsSummary
  /** api, nodes, kube-system pods: the HealthReport checks. */
  checks: HealthCheck[]
  attempts: number
  elapsed_ms: number
}

export type Observation = Omit<CloudHealth, 'attempts' | 'elapsed_ms'>

export const KUBE_SYSTEM = 'kube-system'

export async function observe(client: K8sClient, expected: readonly string[], timeoutMs: number): Promise<{health: Observation; definitive: boolean}> {
  const [readyz, version, nodes, pods] = await Promise.all([
    client.get('/readyz', timeoutMs),
    client.call(timeoutMs, (o) => client.version.getCode({}, o)),
    client.call(timeoutMs, (o) => client.core.listNode({}, o)),
    client.call(timeoutMs, (o) => client.core.listNamespacedPod({namespace: KUBE_SYSTEM}, o)),
  ])
  const failures = [readyzFailure(readyz), failureOf(version), failureOf(nodes), failureOf(pods)].filter((f): f is ApiFailure => f !== null)
  const definitive = failures.find((f) => f.definitive)
  const error = definitive ?? failures[0]
  const api: ApiSummary = {
    reachable: [readyz, version, nodes, pods].some((o) => o.ok || o.failure.status !== null),
    ready: readyz.ok && readyz.value.status === 200,
    version: version.ok ? version.value.gitVersion : null,
    error: error?.message ?? null,
  }
  const nodesSummary = nodes.ok ? summarizeNodes(nodes.value.items, expected) : notChecked(expected.length)
  const podsSummary: PodsSummary = pods.ok ? summarizePods(pods.value.items) : {checked: false, running: 0, total: 0, not_running: []}
  const checks = [apiCheck(api), nodesCheck(nodesSummary, failureOf(nodes)), podsCheck(podsSummary, failureOf(pods))]
  const health = {healthy: checks.every((c) => c.ok), api, nodes: nodesSummary, pods: podsSummary, checks}
  return {health, definitive: definitive !== undefined}
}

function failureOf(outcome: Outcome<unknown>): ApiFailure | null {
  return outcome.ok ? null : outcome.failure
}

function readyzFailure(outcome: Outcome<RawResponse>): ApiFailure | null {
  if (!outcome.ok) return outcome.failure
  const failure = rawFailure(outcome.value)
  if (failure?.kind !== 'http') return failure
  const failed = outcome.value.body.split('\n').filter((l) => l.startsWith('[-]')).map((l) => l.slice(3).replace(/: reason withheld$/, ''))
  const detail = failed.length > 0 ? failed.join(', ') : outcome.value.body.trim().slice(0, 200)
  return {...failure, message: `the API server is not ready (/readyz answered ${outcome.value.status})${detail === '' ? '' : `: ${detail}`}`}
}

function notChecked(total: number): NodesSummary {
  return {checked: false, ready: 0, total, not_ready: [], cordoned: []}
}

function apiCheck(api: ApiSummary): HealthCheck {
  if (api.ready) return {name: 'api', ok: true, message: `ready, ${api.version ?? 'version unknown'}`}
  return {name: 'api', ok: false, message: api.error ?? 'not ready'}
}

function nodesCheck(nodes: NodesSummary, failure: ApiFailure | null): HealthCheck {
  if (failure !== null) return {name: 'nodes', ok: false, message: `not checked: ${failure.message}`}
  if (nodes.total === 0) return {name: 'nodes', ok: false, message: 'no node is registered'}
  const parts = [`${nodes.ready}/${nodes.total} Ready`]
  if (nodes.not_ready.length > 0) parts.push(`not ready: ${nodes.not_ready.map((n) => `${n.name} (${n.reason})`).join(', ')}`)
  if (nodes.cordoned.length > 0) parts.push(`cordoned: ${nodes.cordoned.join(', ')}`)
  return {name: 'nodes', ok: nodes.not_ready.length === 0, message: parts.join('; ')}
}

function podsCheck(pods: PodsSummary, failure: ApiFailure | null): HealthCheck {
  const name = `${KUBE_SYSTEM} pods`
  if (failure !== null) return {name, ok: false, message: `not checked: ${failure.message}`}
  if (pods.total === 0) return {name, ok: false, message: `no pod in ${KUBE_SYSTEM} yet`}
  const parts = [`${pods.running}/${pods.total} running`]
  if (pods.not_running.length > 0) parts.push(`not running: ${pods.not_running.map((p) => `${p.name} (${p.phase}${p.reason === null ? '' : `, ${p.reason}`})`).join(', ')}`)
  return {name, ok: pods.not_running.length === 0, message: parts.join('; ')}
}
