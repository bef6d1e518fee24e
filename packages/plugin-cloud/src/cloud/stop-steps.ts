/**
 * The cloud kind's steps of `stop` before the VMs shut down: cordon and drain the running nodes
 * through the Kubernetes API (bounded by --drain-timeout; an unreachable API is a warning and the
 * stop goes on; --skip-drain skips it), then stop kubelet and the container runtime on each VM over
 * SSH (units that do not exist are fine; a VM that does not answer is a warning).
 */
import {existsSync} from 'node:fs'
import type {Step} from '@ai-how/core'
import {liveNodes} from '@ai-how/plugin-hpc'
import type {ClusterManagerDeps, StopRecord, VmClusterSpec} from '@ai-how/plugin-hpc'
import {drainNodes} from '../k8s/index.js'
import type {DrainReport} from '../k8s/index.js'
import {stopKubeletAndRuntime} from './guest.js'
import type {GuestRunner} from './guest.js'
import type {CloudOptions} from './options.js'
import {kubeconfigPath} from './paths.js'

export interface CloudStopRun {
  /** The drain's report, or why it did not run. */
  drain?: DrainReport | {not_run: string}
  runtimeStopped: Record<string, string[]>
}

export interface CloudStopInput {
  spec: VmClusterSpec
  deps: ClusterManagerDeps
  cloud: CloudOptions
  guest: GuestRunner
  record: StopRecord
  run: CloudStopRun
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e))

export function cloudStopSteps(i: CloudStopInput): Step[] {
  const kubeconfig = kubeconfigPath(i.spec.outputDir, i.spec.cluster.name)
  const nodes = i.record.active.map((d) => d.name)
  const drainSkip = i.cloud.skipDrain ? '--skip-drain' : !existsSync(kubeconfig) ? 'no kubeconfig (started with --skip-deploy?)' : false
  if (drainSkip !== false) i.run.drain = {not_run: drainSkip}
  i.record.extras.drain = i.run.drain ?? null
  i.record.extras.runtime_stopped = i.run.runtimeStopped
  return [
    {
      title: `Cordon and drain ${nodes.length} node(s)`,
      skip: drainSkip,
      run: async (ctx) => {
        const report = await drainNodes(kubeconfig, nodes, {
          timeoutMs: i.cloud.drainTimeoutMs,
          signal: ctx.signal,
          onProgress: (e) => { ctx.setOutput(e.message) },
        })
        i.run.drain = report
        i.record.extras.drain = report
        if (!report.reachable) ctx.log.warn(`the Kubernetes API did not answer (${report.error ?? 'unreachable'}): stopping without a drain`)
        for (const pod of report.blocked) ctx.log.warn(`pod ${pod.namespace}/${pod.name} was not evicted within --drain-timeout: ${pod.reason}`)
        ctx.setTitle(`Drained: cordoned ${report.cordoned.length}, evicted ${report.evicted.length} pod(s)${report.blocked.length > 0 ? `, ${report.blocked.length} blocked` : ''}`)
        return undefined
      },
    },
    {
      title: 'Stop kubelet and the container runtime',
      // A saved VM keeps them running in its memory: restored, the node is Ready again at once.
      skip: i.record.suspend ? '--suspend: they stay running in the saved memory' : false,
      run: async (ctx) => {
        const live = await liveNodes(i.deps.hypervisor, i.spec)
        await Promise.all(
          i.spec.cluster.nodes.filter((n) => nodes.includes(n.vmName)).map(async (node) => {
            const ip = live?.get(node.vmName)?.ip ?? node.ip
            if (ip === undefined) return
            try {
              i.run.runtimeStopped[node.vmName] = await stopKubeletAndRuntime(i.guest, ip, ctx.signal)
            } catch (error) {
              ctx.log.warn(`${node.vmName}: could not stop kubelet over SSH (${message(error)}): it is shut down anyway`)
            }
          }),
        )
        return undefined
      },
    },
  ]
}
