/**
 * The steps of `start` for any VM cluster kind: the nodes' SSH host keys and known_hosts (before
 * anything boots), then two phases: the shared objects one at a time
 * (network, pool, base volumes), then the nodes in parallel (bounded), each as disk, seed, define and
 * start; then the SSH wait. Every step returns the undo of exactly what it created, so a failure or
 * Ctrl+C removes this run's objects and nothing else.
 */
import {HostError} from '@ai-how/core'
import type {HostCheckResult, Step} from '@ai-how/core'
import {findIsoTool} from '../cloud-init/iso.js'
import {networkName, poolName} from '../naming/index.js'
import {ensureClusterKeyPair, loadKeyPair} from '../ssh/keypair.js'
import type {SshKeyPair} from '../ssh/keypair.js'
import {waitForAll} from '../ssh/wait-all.js'
import {fingerprint, sourceChange} from './base-fingerprint.js'
import type {ImageFingerprint} from './base-fingerprint.js'
import {baseVolumeFor, checkNodeFiles, nodeImage} from './images.js'
import type {NodePlan} from './live.js'
import type {LiveNode} from '../inventory/hpc-inventory.js'
import {networkViewOptions} from './render-options.js'
import {clusterOwner} from './live.js'
import {hostKeysStep} from './host-keys-step.js'
import type {HostKeyRecord} from './host-keys-step.js'
import type {EnsureOutcome} from './network-manager.js'
import {NetworkManager} from './network-manager.js'
import {nodesStep} from './node-steps.js'
import {correctClock, sshClockStep} from './clock.js'
import type {ClockCorrection} from './clock.js'
import {powerTargets} from './power-targets.js'
import {waitForNodesSsh} from './ssh-ready.js'
import type {NodeReady} from './ssh-ready.js'
import type {ClusterManagerDeps, VmClusterSpec} from './types.js'
import {VmManager} from './vm-manager.js'
import {VolumeManager} from './volume-manager.js'
import {PhaseTimer} from './phase-timer.js'
import type {Clock} from './phase-timer.js'

/** What a start run did, filled in by its steps. */
export interface StartRecord {
  plan: NodePlan[]
  keyPair?: SshKeyPair
  /** Each node's SSH host key (hostKeys step), by node key. */
  hostKeys: HostKeyRecord
  network?: EnsureOutcome
  pool?: EnsureOutcome
  /** Base image path -> volume path in the pool. */
  baseVolumes: Map<string, string>
  /** Node keys whose domain this run created / started. */
  created: string[]
  started: string[]
  ready: NodeReady[]
  changes: string[]
  /** VM names of the suspended nodes this start restores (their managed save), and their clock steps. */
  restored: string[]
  clocks: ClockCorrection[]
  /** Summaries that plugins contributed (GPU names), by node key. */
  gpus: Map<string, string>
  /** Source fingerprint of each base volume, by volume name (from the previous entry, updated by this run). */
  baseImages: Record<string, ImageFingerprint>
  /** Where the seconds go (start-timings.ts): the kind's steps time their own phases (deploy) on it. */
  timer: PhaseTimer
}

/** Running state and SSH address of each node, as this run left them (what its inventory lists). */
export function liveNodesOfRun(record: StartRecord): Map<string, LiveNode> {
  return new Map(record.plan.map((p) => [p.node.vmName, {running: p.running, ip: record.ready.find((r) => r.name === p.node.vmName)?.host}]))
}

export function newStartRecord(plan: NodePlan[], baseImages: Record<string, ImageFingerprint> = {}, clock?: Clock): StartRecord {
  return {plan, hostKeys: new Map(), baseVolumes: new Map(), created: [], started: [], ready: [], changes: [], restored: [], clocks: [], gpus: new Map(), baseImages: {...baseImages}, timer: new PhaseTimer(clock)}
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
        const booting = record.plan.filter((p) => p.running).map((p) => p.node)
        const failed = (await this.deps.contributions.hostChecks(booting)).filter((c) => !c.ok && !optionalChecks.includes(c.id))
        if (failed.length > 0) throw hostNotReady(failed)
        await this.warnIdleNodes(record)
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

  /**
   * A node that this start defines but does not boot (auto_start: false) does not stop the cluster
   * when the host cannot run it (e.g. its GPU is absent): a warning names it and why.
   */
  private async warnIdleNodes(record: StartRecord): Promise<void> {
    for (const {node} of record.plan.filter((p) => !p.running && p.node.devices.length > 0)) {
      const failed = (await this.deps.contributions.hostChecks([node])).filter((c) => !c.ok)
      if (failed.length === 0) continue
      this.deps.log.warn(`${node.vmName} is defined but cannot be started on this host (auto_start: false, so ${this.name} starts without it): ${failed.map((c) => c.message).join('; ')}`)
    }
  }

  /** Before anything boots: the nodes' host keys and the known_hosts that lists them. */
  hostKeys(record: StartRecord): Step {
    return hostKeysStep(this.spec, record.plan, record.hostKeys)
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
            const result = await this.network.ensure(this.spec.cluster, networkViewOptions(this.spec))
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
              const now = await fingerprint(image)
              const change = created.undo ? undefined : sourceChange(record.baseImages[volume], now)
              if (change !== undefined) {
                this.deps.log.warn(`base volume ${volume} is kept although ${change}: new and existing VMs of ${this.name} use the old image; destroy the cluster and start it again to use the new one`)
              }
              if (now !== undefined && (created.undo !== undefined || record.baseImages[volume] === undefined)) record.baseImages[volume] = now
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
    return nodesStep(this.spec, this.deps, {volumes: this.volumes, vms: this.vms}, record)
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
          strictCloudInit: this.spec.strictCloudInit === true,
          warn: (message) => { ctx.log.warn(message) },
          restored: new Set(record.restored),
          clock: record.timer.clock,
        })
        ctx.setTitle(`SSH ready on ${running.length} VM(s) in ${((Date.now() - started) / 1000).toFixed(0)} s`)
        return undefined
      },
    }
  }

  /**
   * The clock of each restored node, stepped to the host's (it stopped while the VM was saved):
   * through the guest agent when it answers, else over SSH. A node whose clock could not be set is
   * a warning (it runs; its services may misbehave until something syncs it).
   */
  clock(record: StartRecord): Step {
    return {
      title: `Correct the clock of ${record.restored.length} restored VM(s)`,
      skip: record.restored.length === 0 ? 'no VM was restored from a suspend' : false,
      run: async (ctx) => {
        const domains = record.plan.flatMap((p) => (p.domain !== undefined && record.restored.includes(p.node.vmName) ? [p.domain] : []))
        const targets = await powerTargets(this.deps.hypervisor, this.spec, domains)
        const step = this.deps.sshClockStep ?? sshClockStep
        record.clocks = await Promise.all(targets.map((t) => correctClock(this.deps.hypervisor, t, step, ctx.signal)))
        for (const c of record.clocks.filter((x) => x.method === 'none')) ctx.log.warn(`the clock of ${c.name} could not be corrected after its restore (${c.tried.join('; ')}): step it yourself (sudo date -s @$(date +%s))`)
        const worst = Math.max(0, ...record.clocks.map((c) => Math.abs(c.offset_before_s ?? 0)))
        ctx.setTitle(`Clock of ${record.restored.length} restored VM(s) corrected (was up to ${worst.toFixed(1)} s behind or ahead)`)
        return undefined
      },
    }
  }
}
