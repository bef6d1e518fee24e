/**
 * The cloud kind's HealthChecker (resolved by core; an `ai-how:health-checker` hook may replace
 * it): the Kubernetes API of the cluster's kubeconfig answers /readyz, every started node is Ready,
 * kube-system pods run; bounded retries until the deadline. The report's details are what the state
 * entry and `status` show.
 */
import {existsSync} from 'node:fs'
import type {ClusterContext, HealthChecker, HealthReport} from '@ai-how/core'
import {checkHealth} from '../k8s/index.js'
import type {CloudHealth} from '../k8s/index.js'
import {openClient} from '../k8s/client.js'
import {observe} from '../k8s/observe.js'
import {DEFAULT_HEALTH_TIMEOUT_S} from './options.js'
import {kubeconfigPath} from './paths.js'

/** The state entry's / status's view of a health observation. */
export function healthDetails(h: CloudHealth): Record<string, unknown> {
  return {
    api_reachable: h.api.reachable,
    api_ready: h.api.ready,
    version: h.api.version,
    error: h.api.error,
    nodes_ready: `${h.nodes.ready}/${h.nodes.total}`,
    not_ready: h.nodes.not_ready,
    pods_running: `${h.pods.running}/${h.pods.total}`,
    pods_not_running: h.pods.not_running,
  }
}

/**
 * One look at the cluster, each request bounded by `timeoutMs`, no retry (what `status` shows: an
 * API that is down is reported at once, not waited for). Throws only KubeconfigError.
 */
export async function lookOnce(kubeconfigPath: string, nodes: readonly string[], timeoutMs: number): Promise<CloudHealth> {
  const started = Date.now()
  const {health} = await observe(await openClient(kubeconfigPath), nodes, timeoutMs)
  return {...health, attempts: 1, elapsed_ms: Date.now() - started}
}

export async function cloudHealth(ctx: ClusterContext, options: {deadlineMs?: number; signal?: AbortSignal; nodes?: string[]} = {}): Promise<HealthReport> {
  const file = kubeconfigPath(ctx.outputDir, ctx.cluster.name)
  if (!existsSync(file)) {
    return {healthy: false, checks: [{name: 'kubeconfig', ok: false, message: `no kubeconfig at ${file} (the cluster was started with --skip-deploy, or its deploy failed)`}], details: {api_reachable: false, kubeconfig: null}}
  }
  const nodes = options.nodes ?? ctx.cluster.nodes.filter((n) => n.autoStart).map((n) => n.vmName)
  const health = await checkHealth(file, {nodes, deadlineMs: options.deadlineMs ?? DEFAULT_HEALTH_TIMEOUT_S * 1000, ...(options.signal === undefined ? {} : {signal: options.signal})})
  return {healthy: health.healthy, checks: health.checks, details: {kubeconfig: file, ...healthDetails(health)}}
}

export const cloudHealthChecker: HealthChecker = {
  check: (ctx, options) => cloudHealth(ctx, options),
}
