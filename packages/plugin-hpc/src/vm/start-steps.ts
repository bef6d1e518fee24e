/**
 * The steps of `start` for any VM cluster kind, in two phases: the shared objects one at a time
 * (network, pool, base volumes), then the nodes in parallel (bounded), each as disk, seed, define and
 * start; then the SSH wait. Every step returns the undo of exactly what it created, so a failure or
 * Ctrl+C removes this run's objects and nothing else.
 */
import {randomUUID} from 'node:crypto'
import {mkdtemp, rm} from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import {HostError} from '@ai-how/core'
import type {HostCheckResult, Step, Undo} from '@ai-how/core'
import {buildSeedIso, findIsoTool} from '../cloud-init/iso.js'
import {seedView} from '../cloud-init/view.js'
import {macForVm, networkName, poolName, seedVolumeName, vmVolumeName} from '../naming/index.js'
import {forgetHostKeys, hostPatterns} from '../ssh/known-hosts.js'
import {ensureClusterKeyPair, loadKeyPair} from '../ssh/keypair.js'
import type {SshKeyPair} from '../ssh/keypair.js'
import {waitForAll} from '../ssh/wait-all.js'
import {baseVolumeFor, checkNodeFiles, nodeImage} from './images.js'
import type {NodePlan} from './live.js'
import {clusterOwner} from './live.js'
import type {EnsureOutcome} from './network-manager.js'
import {NetworkManager} from './network-manager.js'
import {consoleLogPath} from './paths.js'
import {waitForNodesSsh} from './ssh-ready.js'
import type {NodeReady} from './ssh-ready.js'
import type {ClusterManagerDeps, VmClusterSpec} from './types.js'
import {VmManager} from './vm-manager.js'
import {VolumeManager} from './volume-manager.js'

/** What a start run did, filled in by its steps. */
export interface StartRecord {
  plan: NodePlan[]
  keyPair?: SshKeyPair
  network?: EnsureOutcome
  pool?: EnsureOutcome
  /** Base image path -> volume path in the pool. */
  baseVolumes: Map<string, string>
  /** Node keys whose domain this run created / started. */
  created: string[]
  started: string[]
  ready: NodeReady[]
  changes: string[]
  /** Summaries that plugins contributed (GPU names), by node key. */
  gpus: Map<string, string>
}

export function newStartRecord(plan: NodePlan[]): StartRecord {
  return {plan, baseVolumes: new Map(), created: [], started: [], ready: [], changes: [], gpus: new Map()}
}

export function hostNotReady(failed: readonly HostCheckResult[]): HostError {
  return new HostError(`this host is not ready for the cluster:\n  ${failed.map((c) => c.message).join('\n  ')}`, {
    code: 'HOST_NOT_READY',
    actions: [...failed.flatMap((c) => c.fix), 'Nothing was created. `ai-how doctor` lists every prerequisite.'],
    details: {failed},
  })
}

export class StartSteps {
  readonly network: NetworkManager
  readonly volumes: VolumeManager
  readonly vms: VmManager

  constructor(
    private readonly spec: VmClusterSpec,
    private readonly deps: ClusterManagerDeps,
  ) {
    this.network = new NetworkManager(deps.hypervisor, deps.renderer, deps.log)
    this.volumes = new VolumeManager(deps.hypervisor, deps.renderer, deps.log)
    this.vms = new VmManager(deps.hypervisor, deps.renderer, deps.contributions, deps.log)
  }

  private get name(): string {
    return this.spec.cluster.name
  }

  private toCreate(record: StartRecord): NodePlan[] {
    return record.plan.filter((p) => p.action === 'create')
  }

  /**
   * Checks the host (every plugin's host checks, except those listed as optional), the files of the
   * VMs to create and the ISO tool; loads (or generates) the cluster key pair. Creates no libvirt object.
   */
  prepare(record: StartRecord, optionalChecks: readonly string[] = []): Step {
    return {
      title: 'Check the host, images, tools and the SSH key',
      run: async (ctx) => {
        const failed = (await this.deps.contributions.hostChecks()).filter((c) => !c.ok && !optionalChecks.includes(c.id))
        if (failed.length > 0) throw hostNotReady(failed)
        const creating = this.toCreate(record).map((p) => p.node)
        await checkNodeFiles(creating, this.spec.baseImagePath, (n) => this.spec.nodeOptions(n), this.deps.hypervisor.uri)
        if (creating.length > 0 && this.deps.seedBuilder === undefined) await findIsoTool()
        const configured = this.spec.ssh.privateKeyPath
        record.keyPair = configured === undefined ? await ensureClusterKeyPair(this.spec.outputDir, this.name) : await loadKeyPair(configured)
        ctx.setOutput(`SSH key ${record.keyPair.privateKeyPath}`)
        return undefined
      },
    }
  }

  /** Phase 1: network, pool and base volumes, one at a time. */
  shared(record: StartRecord): Step {
    const images = [...new Set(this.toCreate(record).map((p) => nodeImage(p.node, this.spec.baseImagePath)))]
    const pool = poolName(this.name)
    return {
      title: 'Shared objects',
      steps: [
        {
          title: `Network ${networkName(this.name)}`,
          run: async (ctx) => {
            const dhcp = this.spec.dhcp
            const result = await this.network.ensure(this.spec.cluster, {
              networkName: networkName(this.name),
              ...(dhcp?.start === undefined ? {} : {dhcpStart: dhcp.start}),
              ...(dhcp?.end === undefined ? {} : {dhcpEnd: dhcp.end}),
              ...(dhcp?.dnsServers === undefined ? {} : {dnsServers: dhcp.dnsServers}),
            })
            record.network = result.outcome
            record.changes.push(...result.changes)
            ctx.setTitle(`Network ${networkName(this.name)}: ${result.outcome}`)
            return result.undos
          },
        },
        {
          title: `Pool ${pool}`,
          run: async (ctx) => {
            const result = await this.volumes.ensurePool(pool, this.spec.poolPath, clusterOwner(this.spec.cluster))
            record.pool = result.outcome
            record.changes.push(...result.changes)
            ctx.setTitle(`Pool ${pool}: ${result.outcome}`)
            return result.undos
          },
        },
        ...images.map((image): Step => {
          const volume = baseVolumeFor(this.name, this.spec.baseImagePath, image)
          return {
            title: `Base volume ${volume}`,
            run: async (ctx) => {
              ctx.setOutput(`importing ${image}`)
              const created = await this.volumes.importBase(pool, volume, image)
              record.baseVolumes.set(image, created.path)
              ctx.setTitle(`Base volume ${volume}: ${created.undo ? 'imported' : 'kept'}`)
              if (created.undo) record.changes.push(`imported ${image} as ${volume}`)
              return created.undo
            },
          }
        }),
      ],
    }
  }

  /** Phase 2: every node, `concurrency` at a time. */
  nodes(record: StartRecord): Step {
    const steps = record.plan.flatMap((p): Step[] => {
      if (p.action === 'create') return [this.createNode(record, p)]
      if (p.action === 'boot') return [{title: `${p.node.vmName}: start the existing VM`, run: () => this.startNode(record, p)}]
      return []
    })
    if (steps.length === 0) {
      return {title: 'Virtual machines', skip: 'every VM exists and is in the state the config asks for', run: () => Promise.resolve(undefined)}
    }
    return {title: 'Virtual machines', concurrency: this.spec.concurrency, steps}
  }

  private async startNode(record: StartRecord, p: NodePlan): Promise<Undo> {
    const undo = await this.vms.start(p.node, this.deps.hypervisor.uri)
    record.started.push(p.node.key)
    return undo
  }

  private createNode(record: StartRecord, p: NodePlan): Step {
    const {node} = p
    const pool = poolName(this.name)
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
          const created = await this.volumes.createOverlay(pool, disk, node.diskGb, backing)
          paths.disk = created.path
          return created.undo
        },
      },
      {
        title: `cloud-init seed ${seed}`,
        run: async () => {
          const created = await this.uploadSeed(record, node.vmName, uuid, pool, seed)
          paths.seed = created.path
          return created.undo
        },
      },
      {
        title: 'define the domain',
        run: async () => {
          const {xml, summary} = await this.vms.render(this.spec.cluster, node, {
            ...this.spec.cpu,
            ...this.spec.nodeOptions(node),
            ...(this.spec.hugepageSize === undefined ? {} : {hugepageSize: this.spec.hugepageSize}),
            ...(this.spec.memfd === undefined ? {} : {memfd: this.spec.memfd}),
            networkName: networkName(this.name),
            mac: macForVm(node.vmName),
            diskPath: paths.disk,
            seedIsoPath: paths.seed,
            consoleLogPath: consoleLogPath(node.vmName, this.spec.consoleLogDir),
            uuid,
            ownedVolumes: [{pool, volume: disk}, {pool, volume: seed}],
          })
          const undo = await this.vms.define(node.vmName, xml)
          record.created.push(node.key)
          if (summary !== undefined) record.gpus.set(node.key, summary)
          return undo
        },
      },
    ]
    if (p.running) steps.push({title: 'start', run: () => this.startNode(record, p)})
    return {title: `${node.vmName}: create`, steps}
  }

  private async uploadSeed(record: StartRecord, vm: string, uuid: string, pool: string, volume: string): Promise<{path: string; undo?: Undo}> {
    const key = record.keyPair
    if (key === undefined) throw new Error('the SSH key pair was not loaded')
    const view = seedView({hostname: vm, user: this.spec.ssh.user, sshAuthorizedKeys: [key.publicKey], instanceId: uuid, macAddress: macForVm(vm)})
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ai-how-seed-'))
    try {
      const file = path.join(dir, volume)
      const build = this.deps.seedBuilder ?? (async (v, f) => { await buildSeedIso(v, f) })
      await build(view, file)
      return await this.volumes.uploadSeed(pool, volume, file)
    } finally {
      await rm(dir, {recursive: true, force: true})
    }
  }

  /** Waits for SSH on every node that runs once start is done. */
  ssh(record: StartRecord): Step {
    const running = record.plan.filter((p) => p.running).map((p) => p.node)
    return {
      title: `Wait for SSH on ${running.length} VM(s)`,
      skip: running.length === 0 ? 'no VM runs' : false,
      run: async (ctx) => {
        const key = record.keyPair
        if (key === undefined) throw new Error('the SSH key pair was not loaded')
        for (const node of running.filter((n) => record.created.includes(n.key))) {
          await forgetHostKeys(this.spec.ssh.knownHostsFile, hostPatterns(node.ip ?? node.vmName, 22, node.vmName))
        }
        const started = Date.now()
        record.ready = await waitForNodesSsh({
          hv: this.deps.hypervisor,
          cluster: this.name,
          nodes: running,
          user: this.spec.ssh.user,
          privateKey: key.privateKey,
          knownHostsFile: this.spec.ssh.knownHostsFile,
          deadlineMs: this.spec.sshTimeoutMs,
          consoleLogDir: this.spec.consoleLogDir,
          waiter: this.deps.waitForSsh ?? waitForAll,
          signal: ctx.signal,
          progress: (line) => { ctx.setOutput(line) },
        })
        ctx.setTitle(`SSH ready on ${running.length} VM(s) in ${((Date.now() - started) / 1000).toFixed(0)} s`)
        return undefined
      },
    }
  }
}
