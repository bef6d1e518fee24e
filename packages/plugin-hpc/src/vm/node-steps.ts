/**
 * Phase 2 of start: every node, `concurrency` at a time. A new node is its disk (qcow2 overlay of
 * its base volume), its cloud-init seed (uploaded to the pool; it carries the node's host key, see
 * host-keys-step.ts), its domain (defined with the UUID the seed's instance id names) and its start; an existing shut-off node is started. Each step
 * returns the undo of what it created.
 */
import {randomUUID} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type {NodeDescription, Step, Undo} from '@ai-how/core'
import {buildSeedIso} from '../cloud-init/iso.js'
import {seedView} from '../cloud-init/view.js'
import {macForVm, poolName, seedVolumeName, vmVolumeName} from '../naming/index.js'
import {nodeImage} from './images.js'
import type {NodePlan} from './live.js'
import {domainViewOptions} from './render-options.js'
import type {StartRecord} from './start-steps.js'
import {nodePhase} from './start-timings.js'
import {saveAgainOnUndo} from './suspend.js'
import type {ClusterManagerDeps, VmClusterSpec} from './types.js'
import type {VmManager} from './vm-manager.js'
import type {VolumeManager} from './volume-manager.js'

export interface NodeTools {
  volumes: VolumeManager
  vms: VmManager
}

export class NodeSteps {
  constructor(
    private readonly spec: VmClusterSpec,
    private readonly deps: ClusterManagerDeps,
    private readonly tools: NodeTools,
    private readonly record: StartRecord,
  ) {}

  step(): Step {
    const record = this.record
    const steps = record.plan.flatMap((p): Step[] => {
      if (p.action === 'create') return [record.timer.timed(nodePhase(p.node.vmName), this.createNode(p))]
      if (p.action === 'boot') return [record.timer.timed(nodePhase(p.node.vmName), {title: `${p.node.vmName}: start the existing VM`, run: () => this.startNode(p)})]
      return []
    })
    if (steps.length === 0) {
      return {title: 'Virtual machines', skip: 'every VM exists and is in the state the config asks for', run: () => Promise.resolve(undefined)}
    }
    return {title: 'Virtual machines', concurrency: this.spec.concurrency, steps}
  }

  private async startNode(p: NodePlan): Promise<Undo> {
    const undo = await this.tools.vms.start(p.node, this.deps.hypervisor.uri)
    this.record.started.push(p.node.key)
    // A VM restored from its saved memory is saved again by a rollback, not just powered off.
    return this.record.restored.includes(p.node.vmName) ? saveAgainOnUndo(this.deps.hypervisor, this.deps.log, p.node.vmName, undo) : undo
  }

  private createNode(p: NodePlan): Step {
    const record = this.record
    const {node} = p
    const pool = poolName(this.spec.cluster.name)
    const disk = vmVolumeName(node.vmName)
    const seed = seedVolumeName(node.vmName)
    const uuid = randomUUID()
    const paths = {disk: '', seed: ''}
    const steps: Step[] = [
      {
        title: `disk ${disk}`,
        run: async () => {
          const backing = record.baseVolumes.get(nodeImage(node, this.spec.baseImagePath))
          if (backing === undefined) throw new Error(`no base volume was prepared for ${node.vmName}`)
          const created = await this.tools.volumes.createOverlay(pool, disk, node.diskGb, backing)
          paths.disk = created.path
          return created.undo
        },
      },
      {
        title: `cloud-init seed ${seed}`,
        run: async () => {
          const created = await this.uploadSeed(node, uuid, pool, seed)
          paths.seed = created.path
          return created.undo
        },
      },
      {
        title: 'define the domain',
        run: async () => {
          const {xml, summary} = await this.tools.vms.render(this.spec.cluster, node, domainViewOptions(this.spec, node, {disk: paths.disk, seed: paths.seed, uuid}))
          const undo = await this.tools.vms.define(node.vmName, xml)
          record.created.push(node.key)
          if (summary !== undefined) record.gpus.set(node.key, summary)
          return undo
        },
      },
    ]
    if (p.running) steps.push({title: 'start', run: () => this.startNode(p)})
    return {title: `${node.vmName}: create`, steps}
  }

  private async uploadSeed(node: NodeDescription, uuid: string, pool: string, volume: string): Promise<{path: string; undo?: Undo}> {
    const vm = node.vmName
    const key = this.record.keyPair
    if (key === undefined) throw new Error('the SSH key pair was not loaded')
    const hostKey = this.record.hostKeys.get(node.key)
    if (hostKey === undefined) throw new Error(`no SSH host key was prepared for ${vm}`)
    const view = seedView({hostname: vm, user: this.spec.ssh.user, sshAuthorizedKeys: [key.publicKey], instanceId: uuid, macAddress: macForVm(vm), hostKey})
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-seed-'))
    try {
      const file = path.join(dir, volume)
      const build = this.deps.seedBuilder ?? (async (v, f) => { await buildSeedIso(v, f) })
      await build(view, file)
      return await this.tools.volumes.uploadSeed(pool, volume, file)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  }
}

export function nodesStep(spec: VmClusterSpec, deps: ClusterManagerDeps, tools: NodeTools, record: StartRecord): Step {
  return new NodeSteps(spec, deps, tools, record).step()
}
