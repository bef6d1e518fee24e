/**
 * The hpc kind's Slurm steps around the VM lifecycle, when ai-how manages Slurm on the cluster
 * (slurmManaged): before `stop` shuts the VMs down (with or without --suspend, as the cloud kind
 * drains), the running compute nodes are drained; once `start` has deployed, the nodes that stop
 * drained are resumed. A controller that does not answer is a warning: the stop goes on, and the
 * start keeps the nodes recorded so that the next start resumes them. Nodes `start --remove-nodes`
 * removes are set down before their VMs go, and named if Slurm still lists them after the deploy.
 */
import type {ClusterStateEntry, NodeDescription, Step, StepContext} from '@ai-how/core'
import type {DomainDetails} from '../hypervisor/types.js'
import type {StopRecord} from '../vm/cluster-manager.js'
import {liveNodes} from '../vm/live-nodes.js'
import {liveNodesOfRun} from '../vm/start-steps.js'
import type {StartRecord} from '../vm/start-steps.js'
import type {ClusterManagerDeps, VmClusterSpec} from '../vm/types.js'
import type {SlurmRunner} from '../slurm/controller.js'
import {drainNodes} from '../slurm/drain.js'
import type {DrainReport} from '../slurm/drain.js'
import {slurmEntry, slurmManaged} from '../slurm/managed.js'
import {resumeNodes} from '../slurm/resume.js'
import {downNodes, stillListed} from '../slurm/remove.js'
import type {ResumeReport} from '../slurm/resume.js'
import {DEFAULT_DRAIN_TIMEOUT_S} from './options.js'
import type {HpcOptions} from './options.js'

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

function controllerOf(spec: VmClusterSpec): NodeDescription | undefined {
  return spec.cluster.nodes.find((n) => n.role === 'controller')
}

export interface SlurmStepInput {
  spec: VmClusterSpec
  deps: ClusterManagerDeps
  hpc: HpcOptions
  slurm: SlurmRunner
}

/** The stop step; its report goes to the stop result (`drain`) and, through `drainedBy`, to the stopped entry. */
export function drainStep(i: SlurmStepInput, record: StopRecord, reports: WeakMap<StopRecord, DrainReport>): Step {
  const controller = controllerOf(i.spec)
  const running = new Set(record.active.map((d) => d.name))
  const computes = i.spec.cluster.nodes.filter((n) => n.role === 'compute' && running.has(n.vmName)).map((n) => n.vmName)
  const skip = i.hpc.skipDrain === true ? '--skip-drain' : !slurmManaged(record.previous) ? 'Slurm is not managed by ai-how on this cluster (its own playbook, or no successful deploy)' : computes.length === 0 ? 'no compute node runs' : false
  record.extras.drain = skip === false ? null : {not_run: skip}
  return {
    title: `Slurm: drain ${computes.length} node(s)`,
    skip,
    run: async (ctx) => {
      const host = controller === undefined || !running.has(controller.vmName) ? undefined : ((await liveNodes(i.deps.hypervisor, i.spec))?.get(controller.vmName)?.ip ?? controller.ip)
      if (host === undefined) {
        const why = controller === undefined ? 'the cluster has no controller' : `the controller ${controller.vmName} does not run`
        record.extras.drain = {not_run: why}
        ctx.log.warn(`Slurm: ${why}: stopping without a drain`)
        return undefined
      }
      const report = await drainNodes(i.slurm, host, computes, {timeoutMs: i.hpc.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_S * 1000, signal: ctx.signal, onProgress: (l) => { ctx.setOutput(l) }})
      reports.set(record, report)
      record.extras.drain = report
      if (!report.reachable) ctx.log.warn(`Slurm: the controller ${controller?.vmName ?? host} did not answer or slurmctld is down (${report.error ?? 'unreachable'}): stopping without a drain`)
      if (report.busy.length > 0) ctx.log.warn(`Slurm: ${report.busy.join(', ')} still ran jobs after --drain-timeout (${report.seconds} s): they are stopped with them`)
      for (const h of report.by_hand) ctx.log.warn(`Slurm: ${h.name} was already drained by someone else (${h.reason}): left so, not resumed by start`)
      ctx.setTitle(report.reachable ? `Slurm: drained ${report.drained.length} node(s)${report.busy.length > 0 ? `, ${report.busy.length} still running jobs` : ''}` : 'Slurm: not drained (controller unreachable)')
      return undefined
    },
  }
}

/** The `slurm` field of a stopped cluster's entry: the nodes recorded before plus those this stop drained. */
export function stoppedSlurmEntry(previous: ClusterStateEntry, report: DrainReport | undefined): Record<string, unknown> {
  const before = slurmEntry(previous.slurm)
  const drained = [...new Set([...before.drained, ...(report?.drained ?? [])])]
  return previous.slurm === undefined && drained.length === 0 ? {} : {slurm: {...before, drained}}
}

/** The start step; fills `report` (resumed, left) and says which recorded nodes stay recorded. */
export function resumeStep(i: SlurmStepInput, record: StartRecord, previous: ClusterStateEntry | undefined, out: {report?: ResumeReport; kept: string[]}): Step {
  const recorded = slurmEntry(previous?.slurm).drained
  out.kept = [...recorded]
  const controller = controllerOf(i.spec)
  return {
    title: `Slurm: resume ${recorded.length} node(s)`,
    skip: recorded.length === 0 ? 'no node was drained by hpc stop' : false,
    run: async (ctx) => {
      const host = controller === undefined ? undefined : (liveNodesOfRun(record).get(controller.vmName)?.ip ?? controller.ip)
      if (host === undefined) {
        ctx.log.warn(`Slurm: no controller address: ${recorded.join(', ')} stay drained (the next start resumes them)`)
        return undefined
      }
      try {
        out.report = await resumeNodes(i.slurm, host, recorded, ctx.signal)
      } catch (error) {
        if (ctx.signal.aborted) throw error
        ctx.log.warn(`Slurm: could not resume ${recorded.join(', ')} (${message(error)}): they stay drained; the next start resumes them, or run sudo scontrol update nodename=${recorded.join(',')} state=resume on the controller`)
        return undefined
      }
      out.kept = []
      for (const l of out.report.left) ctx.log.warn(`Slurm: ${l.name} is not resumed: ${l.why}`)
      ctx.setTitle(`Slurm: resumed ${out.report.resumed.length} node(s)${out.report.left.length > 0 ? `, left ${out.report.left.length}` : ''}`)
      return undefined
    },
  }
}

/** start --remove-nodes: sets the removed nodes down in Slurm before their VMs go (a controller that does not run or answer: a warning). */
export function downBeforeRemove(i: SlurmStepInput, previous: ClusterStateEntry | undefined): ((domains: readonly DomainDetails[], ctx: StepContext) => Promise<void>) | undefined {
  const controller = controllerOf(i.spec)
  if (!slurmManaged(previous) || controller === undefined) return undefined
  return async (domains, ctx) => {
    const names = domains.map((d) => d.name)
    const live = (await liveNodes(i.deps.hypervisor, i.spec))?.get(controller.vmName)
    if (live?.running !== true) {
      ctx.log.warn(`Slurm: the controller ${controller.vmName} does not run: ${names.join(', ')} are removed without being set down first (the deploy removes them from slurm.conf)`)
      return
    }
    try {
      await downNodes(i.slurm, live.ip ?? controller.ip ?? controller.vmName, names, ctx.signal)
    } catch (error) {
      if (ctx.signal.aborted) throw error
      ctx.log.warn(`Slurm: could not set ${names.join(', ')} down (${message(error)}): they are removed anyway (the deploy removes them from slurm.conf)`)
    }
  }
}

/** After the deploy: the removed nodes Slurm still lists are named (the deploy should have rendered slurm.conf without them). */
export function removedGoneStep(i: SlurmStepInput, record: StartRecord, previous: ClusterStateEntry | undefined, removed: readonly string[]): Step {
  const controller = controllerOf(i.spec)
  return {
    title: 'Slurm: removed node(s) gone',
    skip: !slurmManaged(previous) ? 'Slurm is not managed by ai-how on this cluster' : false,
    run: async (ctx) => {
      if (removed.length === 0 || controller === undefined) {
        ctx.setTitle('Slurm: no node removed')
        return undefined
      }
      const host = liveNodesOfRun(record).get(controller.vmName)?.ip ?? controller.ip ?? controller.vmName
      try {
        const listed = await stillListed(i.slurm, host, removed, ctx.signal)
        if (listed.length > 0) ctx.log.warn(`Slurm still lists the removed node(s) ${listed.join(', ')}: the deploy did not render slurm.conf without them (restart slurmctld on the controller once it has)`)
        ctx.setTitle(`Slurm: ${removed.length - listed.length} of ${removed.length} removed node(s) gone`)
      } catch (error) {
        if (ctx.signal.aborted) throw error
        ctx.log.warn(`Slurm: could not check that ${removed.join(', ')} are gone (${message(error)})`)
      }
      return undefined
    },
  }
}
