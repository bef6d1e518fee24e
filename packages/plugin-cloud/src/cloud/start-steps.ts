/**
 * The cloud kind's steps of `start` once every started VM answers SSH: the Kubespray inventory, the
 * deploy (through the Deployer core resolved), the admin kubeconfig, the uncordon of the nodes that
 * `cloud stop` cordoned, and the health check (through the resolved HealthChecker). What they
 * learn goes to a CloudStartRun, from which the manager builds the state entry and the result.
 */
import {existsSync} from 'node:fs'
import {AiHowError} from '@ai-how/core'
import type {ClusterStateEntry, DeployResult, HealthReport, Step} from '@ai-how/core'
import {deployFailedError, inventoryAccess, liveNodesOfRun, runDeployer, runHealthCheck} from '@ai-how/plugin-hpc'
import type {ClusterManagerDeps, StartRecord, VmClusterSpec} from '@ai-how/plugin-hpc'
import {buildCloudInventory, cloudGroupVars, leftOutNodes, leftOutNotice, writeCloudInventory} from '../inventory/index.js'
import type {LeftOutNode} from '../inventory/index.js'
import {uncordonNodes} from '../k8s/index.js'
import {SHIPPED_PLAYBOOK} from './deploy-source.js'
import {fetchKubeconfig} from './kubeconfig-file.js'
import {kubernetesEntry} from './options.js'
import type {CloudOptions} from './options.js'
import {cloudInventoryDir, kubeconfigPath} from './paths.js'
import {CLOUD_ROLES} from '../kind/describe.js'
import type {GuestRunner} from './guest.js'
import {kubeletStep} from './kubelet-step.js'

export interface CloudStartRun {
  inventory?: string
  /** The hosts of that inventory (the nodes that run): the deploy must reach each. */
  hosts?: string[]
  leftOut: LeftOutNode[]
  deploy?: {ran: true; result: DeployResult} | {ran: false; reason: string}
  kubeconfig?: string
  uncordoned: string[]
  /** Units started again on nodes that were already running, by VM name (kubelet-step.ts). */
  runtimeStarted: Record<string, string[]>
  health?: HealthReport
}

export interface CloudStepInput {
  spec: VmClusterSpec
  deps: ClusterManagerDeps
  cloud: CloudOptions
  guest: GuestRunner
  record: StartRecord
  previous: ClusterStateEntry | undefined
  run: CloudStartRun
}

function deploySkip(i: CloudStepInput): string | false {
  if (i.cloud.skipDeploy) return '--skip-deploy'
  const last = i.previous?.deploy as {ok?: unknown; playbook?: unknown} | undefined
  const playbook = i.cloud.section.kubernetes_config.playbook ?? SHIPPED_PLAYBOOK
  const kubeconfig = kubernetesEntry(i.previous?.kubernetes)?.kubeconfig
  const deployed = last?.ok === true && last.playbook === playbook && kubeconfig !== null && kubeconfig !== undefined && existsSync(kubeconfig)
  return i.record.created.length === 0 && deployed ? 'no VM was created and the last deploy of this playbook succeeded' : false
}

function controlPlaneIp(i: CloudStepInput): string {
  const cp = i.record.plan.find((p) => p.node.role === CLOUD_ROLES.controlPlane)?.node
  const ip = i.record.ready.find((r) => r.name === cp?.vmName)?.host ?? cp?.ip
  if (ip === undefined) throw new AiHowError('the control plane has no IP address: its kubeconfig cannot be fetched', {code: 'CONTROL_PLANE_UNREACHABLE', actions: ['Start the cluster again; check `ai-how cloud status CONFIG` for the control plane\'s state.']})
  return ip
}

export function cloudStartSteps(i: CloudStepInput): Step[] {
  const dir = cloudInventoryDir(i.spec.outputDir, i.spec.cluster.name)
  const kubeconfig = kubeconfigPath(i.spec.outputDir, i.spec.cluster.name)
  const kind = i.spec.cluster.kind
  return [
    kubeletStep(i.record, i.guest, i.run.runtimeStarted),
    {
      title: `Kubespray inventory in ${dir}`,
      run: async (ctx) => {
        const live = liveNodesOfRun(i.record)
        i.run.leftOut = leftOutNodes(i.spec.cluster, live)
        for (const node of i.run.leftOut) ctx.log.warn(leftOutNotice(node))
        const inventory = buildCloudInventory(i.spec.cluster, i.cloud.section, inventoryAccess(i.spec), live)
        const written = await writeCloudInventory(dir, inventory, cloudGroupVars(i.cloud.section))
        i.run.inventory = written.inventoryPath
        i.run.hosts = inventory.hosts.map((h) => h.name)
        return written.undo
      },
    },
    i.record.timer.timed('deploy', {
      title: 'Deploy',
      run: async (ctx) => {
        const skip = deploySkip(i)
        if (skip !== false) {
          i.record.timer.drop('deploy')
          i.run.deploy = {ran: false, reason: skip}
          ctx.setTitle(`Deploy: skipped (${skip})`)
          return undefined
        }
        const result = await runDeployer(i.deps.extensions, kind, i.run.inventory ?? dir, ctx, i.run.hosts ?? [])
        i.run.deploy = {ran: true, result}
        if (!result.ok) throw deployFailedError(kind, result)
        ctx.setTitle(`Deploy: ${result.summary} (log ${result.logFile ?? ''})`)
        return undefined
      },
    }),
    {
      title: `Admin kubeconfig ${kubeconfig}`,
      run: async (ctx) => {
        if (i.cloud.skipDeploy) {
          ctx.setTitle('Admin kubeconfig: skipped (--skip-deploy)')
          return undefined
        }
        const undo = await fetchKubeconfig(i.guest, controlPlaneIp(i), kubeconfig, ctx.signal)
        i.run.kubeconfig = kubeconfig
        return undo
      },
    },
    {
      title: 'Uncordon the nodes that stop cordoned',
      run: async (ctx) => {
        const cordoned = kubernetesEntry(i.previous?.kubernetes)?.cordoned ?? []
        if (i.run.kubeconfig === undefined) {
          ctx.setTitle(`Uncordon: nothing to do${cordoned.length > 0 ? ` (${cordoned.length} node(s) stay cordoned: no kubeconfig)` : ''}`)
          return undefined
        }
        // Also the nodes that carry ai-how's cordon mark: a stop killed after its cordon recorded nothing.
        const report = await uncordonNodes(i.run.kubeconfig, cordoned, {signal: ctx.signal})
        // Not fatal: the nodes stay recorded as cordoned (the next start tries again), and the health check says whether the cluster serves.
        const named = cordoned.length > 0 ? cordoned.join(' ') : 'NODE'
        if (!report.reachable || report.error !== null) ctx.log.warn(`could not uncordon ${cordoned.length > 0 ? cordoned.join(', ') : 'the nodes ai-how cordoned'} (${report.error ?? 'the API did not answer'}): kubectl --kubeconfig ${i.run.kubeconfig} uncordon ${named}`)
        i.run.uncordoned = report.uncordoned
        ctx.setTitle(report.uncordoned.length > 0 ? `Uncordoned ${report.uncordoned.length} node(s)` : 'Uncordon: nothing to do')
        return undefined
      },
    },
    {
      title: 'Kubernetes health',
      run: async (ctx) => {
        if (i.run.kubeconfig === undefined) {
          ctx.setTitle('Kubernetes health: not checked (no kubeconfig: --skip-deploy)')
          return undefined
        }
        ctx.setOutput(`waiting up to ${Math.round(i.cloud.healthTimeoutMs / 1000)} s for the API, the nodes and kube-system`)
        const health = await runHealthCheck(i.deps.extensions, {deadlineMs: i.cloud.healthTimeoutMs, signal: ctx.signal})
        if (health === undefined) return undefined
        i.run.health = health
        if (!health.healthy) {
          const failed = health.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`)
          throw new AiHowError(`the Kubernetes cluster is not healthy after ${Math.round(i.cloud.healthTimeoutMs / 1000)} s:\n  ${failed.join('\n  ')}`, {
            code: 'CLUSTER_UNHEALTHY',
            actions: [`Look with kubectl --kubeconfig ${kubeconfig} get nodes,pods -A.`, 'Give it longer with --health-timeout, or keep the VMs with --keep-on-failure.'],
            details: {checks: health.checks},
          })
        }
        ctx.setTitle(`Kubernetes healthy: ${health.checks.map((c) => c.message).join('; ')}`)
        return undefined
      },
    },
  ]
}
