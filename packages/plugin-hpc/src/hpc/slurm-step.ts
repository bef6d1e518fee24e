/**
 * Slurm in the hpc manager: the start step that checks its health after the deploy (through the
 * resolved HealthChecker), whether ai-how manages Slurm (`deploy.builtin && deploy.ok` in the state
 * entry: the shipped playbook deployed it), and what `status` shows (one sinfo look).
 */
import {AiHowError} from '@ai-how/core'
import type {ClusterStateEntry, HealthReport, Step} from '@ai-how/core'
import {runHealthCheck} from '../vm/kind-extensions.js'
import type {ClusterStatus} from '../vm/status-types.js'
import type {KindExtensions} from '../vm/types.js'
import {DEFAULT_SLURM_HEALTH_TIMEOUT_MS} from './slurm-health.js'
import {slurmManaged} from '../slurm/managed.js'

export {slurmManaged} from '../slurm/managed.js'

/** The error of a start whose Slurm is not healthy: each node with Slurm's reason, and the deploy log. */
export function slurmUnhealthyError(report: HealthReport, timeoutMs: number, deployLog: string | undefined): AiHowError {
  const failed = report.checks.filter((c) => !c.ok).flatMap((c) => c.message.split('; '))
  return new AiHowError(`Slurm is not healthy after ${Math.round(timeoutMs / 1000)} s:\n  ${failed.join('\n  ')}\n  deploy log: ${deployLog ?? 'none'}`, {
    code: 'SLURM_UNHEALTHY',
    actions: [`Read the deploy output in ${deployLog ?? 'the deploy log'}, and on the controller: sinfo -N -o '%N %T %E'; on a failed node: journalctl -u slurmd.`, 'Keep the VMs while you look with --keep-on-failure; run the deploy again with --redeploy.'],
    details: {checks: report.checks, slurm: report.details, deployLog: deployLog ?? null},
  })
}

export interface SlurmStepInput {
  extensions: KindExtensions | undefined
  managed: () => boolean
  deployLog: () => string | undefined
  timeoutMs?: number | undefined
  onReport: (report: HealthReport) => void
}

export function slurmHealthStep(i: SlurmStepInput): Step {
  return {
    title: 'Slurm health',
    run: async (ctx) => {
      if (!i.managed()) {
        ctx.setTitle('Slurm health: not checked (Slurm was not deployed by ai-how)')
        return undefined
      }
      const timeoutMs = i.timeoutMs ?? DEFAULT_SLURM_HEALTH_TIMEOUT_MS
      ctx.setOutput(`waiting up to ${Math.round(timeoutMs / 1000)} s for every compute node in sinfo`)
      const report = await runHealthCheck(i.extensions, {deadlineMs: timeoutMs, signal: ctx.signal})
      if (report === undefined) return undefined
      i.onReport(report)
      if (!report.healthy) throw slurmUnhealthyError(report, timeoutMs, i.deployLog())
      ctx.setTitle(`Slurm healthy: ${report.checks.map((c) => c.message).join('; ')}`)
      return undefined
    },
  }
}

/** `status`: one sinfo look when ai-how deployed Slurm and the controller runs; otherwise why not. */
export async function slurmStatus(status: ClusterStatus, entry: ClusterStateEntry | undefined, extensions: KindExtensions | undefined): Promise<Record<string, unknown>> {
  if (!slurmManaged(entry)) return {healthy: null, reason: 'Slurm was not deployed by ai-how (own playbook, --skip-deploy, or no successful deploy)'}
  const controller = status.nodes.find((n) => n.role === 'controller')
  if (controller?.state !== 'running') return {healthy: null, reason: 'the controller does not run'}
  const report = await runHealthCheck(extensions, {deadlineMs: 0})
  if (report === undefined) return {healthy: null, reason: 'no health checker for the hpc kind'}
  return {healthy: report.healthy, ...report.details, checks: report.checks}
}

/** The status table's Slurm line. */
export function slurmStatusLine(slurm: Record<string, unknown> | undefined): string {
  if (slurm === undefined) return ''
  if (slurm.healthy === null || slurm.healthy === undefined) return `Slurm: not checked (${typeof slurm.reason === 'string' ? slurm.reason : 'unknown'})\n`
  const up = typeof slurm.nodes_up === 'string' ? slurm.nodes_up : '?'
  if (slurm.healthy === true) return `Slurm: healthy, compute nodes up ${up}\n`
  const problems = Array.isArray(slurm.problems) ? (slurm.problems as string[]) : []
  const error = typeof slurm.error === 'string' ? [slurm.error] : []
  return `Slurm: NOT healthy, compute nodes up ${up}\n${[...problems, ...error].map((p) => `  ${p}\n`).join('')}`
}

/**
 * A failed deploy of the shipped playbook, with what Slurm says of the nodes at that moment (one sinfo
 * look, when the controller answers): the task that failed names the node, Slurm adds its state and reason.
 */
export async function withSlurmView(error: AiHowError, builtin: boolean, extensions: KindExtensions | undefined): Promise<AiHowError> {
  if (!builtin) return error
  const report = await runHealthCheck(extensions, {deadlineMs: 0}).catch(() => undefined)
  if (report === undefined || report.healthy) return error
  const lines = report.checks.filter((c) => !c.ok).flatMap((c) => c.message.split('; '))
  return new AiHowError(`${error.message}\n  Slurm says:\n    ${lines.join('\n    ')}`, {code: error.code, actions: error.actions, details: {...(error.details as Record<string, unknown> | undefined), slurm: report.details ?? null}, exitCode: error.exitCode, cause: error})
}
