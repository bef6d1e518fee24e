/**
 * The hpc kind's HealthChecker (resolved by core; an `ai-how:health-checker` hook may replace it):
 * `sinfo` on the controller over SSH (the cluster key, the cluster's known_hosts, strict host keys);
 * healthy when every started compute node is idle, mixed or allocated. Nodes register a few seconds
 * after slurmd starts, so it looks again until the deadline; the report names each node that is not
 * healthy with Slurm's state and reason.
 */
import type {ClusterContext, HealthChecker, HealthReport} from '@ai-how/core'
import {sshExec} from '../ssh/exec.js'
import {loadKeyPair} from '../ssh/keypair.js'
import {inventoryAccess} from '../vm/inventory-access.js'
import {judgeSlurm, parseSinfo, SINFO_COMMAND} from './sinfo.js'
import type {SlurmView} from './sinfo.js'
import {hpcSpec} from './spec.js'

export const DEFAULT_SLURM_HEALTH_TIMEOUT_MS = 180_000

/** One `sinfo` run: its stdout, or throws (SSH failure, non-zero exit). */
export type SinfoLook = (signal?: AbortSignal) => Promise<string>

export interface SlurmHealthOptions {
  deadlineMs?: number
  intervalMs?: number
  signal?: AbortSignal
}

function report(view: SlurmView | undefined, error: string | undefined, controller: string, attempts: number): HealthReport {
  const details = {controller, nodes_up: view?.nodes_up ?? null, nodes: view?.nodes ?? [], problems: view?.problems ?? [], error: error ?? null, attempts}
  if (view === undefined) return {healthy: false, checks: [{name: 'sinfo', ok: false, message: `sinfo on ${controller} failed: ${error ?? 'no answer'}`}], details}
  const message = view.healthy ? `${view.nodes_up} compute node(s) up` : view.problems.join('; ')
  return {healthy: view.healthy, checks: [{name: 'slurm nodes', ok: view.healthy, message}], details}
}

/** Looks until every expected node is healthy or the deadline passes (0: one look). */
export async function watchSlurm(look: SinfoLook, expected: readonly string[], controller: string, options: SlurmHealthOptions = {}): Promise<HealthReport> {
  const end = Date.now() + (options.deadlineMs ?? DEFAULT_SLURM_HEALTH_TIMEOUT_MS)
  let attempts = 0
  for (;;) {
    attempts++
    let view: SlurmView | undefined
    let error: string | undefined
    try {
      view = judgeSlurm(parseSinfo(await look(options.signal)), expected)
    } catch (e) {
      error = e instanceof Error ? e.message : String(e)
    }
    if (view?.healthy === true || Date.now() >= end || options.signal?.aborted === true) return report(view, error, controller, attempts)
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.intervalMs ?? 3000, Math.max(0, end - Date.now()))))
  }
}

/** sinfo on the controller of `ctx` over SSH. */
export function sinfoOverSsh(ctx: ClusterContext): {look: SinfoLook; controller: string; computes: string[]} {
  const spec = hpcSpec(ctx)
  const controller = ctx.cluster.nodes.find((n) => n.role === 'controller')
  const computes = ctx.cluster.nodes.filter((n) => n.role !== 'controller' && n.autoStart).map((n) => n.vmName)
  const name = controller?.vmName ?? `${ctx.cluster.name}-controller`
  const access = inventoryAccess(spec)
  const look: SinfoLook = async (signal) => {
    if (controller?.ip === undefined) throw new Error('the controller has no static IP in the config')
    const privateKey = (await loadKeyPair(access.privateKeyPath)).privateKey
    const r = await sshExec({host: controller.ip, user: access.user, privateKey, knownHostsFile: access.knownHostsPath, hostAlias: name, command: [...SINFO_COMMAND], timeoutMs: 20_000, kind: 'hpc', ...(signal === undefined ? {} : {signal})})
    if (r.exitCode !== 0) throw new Error(`sinfo exited ${r.exitCode ?? r.signal ?? '?'}: ${r.stderr.trim().split('\n')[0] ?? ''}`)
    return r.stdout
  }
  return {look, controller: name, computes}
}

export async function slurmHealth(ctx: ClusterContext, options: SlurmHealthOptions = {}): Promise<HealthReport> {
  const {look, controller, computes} = sinfoOverSsh(ctx)
  return watchSlurm(look, computes, controller, options)
}

export const hpcHealthChecker: HealthChecker = {
  check: (ctx, options) => slurmHealth(ctx, options),
}
