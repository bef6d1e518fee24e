/**
 * ClusterManager: the lifecycle of a VM cluster of any kind (start, stop, status, destroy) over the
 * Hypervisor port, driven by a ClusterDescription and a VmClusterSpec. A kind extends it to add its
 * own steps once the VMs answer SSH (inventory, deploy) and its own fields in the state entry.
 * Progress and rollback go through core's TaskRunner; the state entry is written once at the end
 * and says what exists (nothing for objects that were rolled back).
 */
import {rm} from 'node:fs/promises'
import {StateStore, TaskRunner, UsageError, withClusterLock} from '@ai-how/core'
import type {ClusterStateEntry, RunResult, Step} from '@ai-how/core'
import {networkName, poolName} from '../naming/index.js'
import {removeClusterHostKeys} from '../ssh/node-host-keys.js'
import {archiveDestroyed} from './archive.js'
import {destroySteps, findOwned} from './destroy.js'
import type {DestroyReport} from './destroy.js'
import {recordedFingerprints} from './base-fingerprint.js'
import {clusterOwner, planNodes, readLive} from './live.js'
import {forcedWarning, isActiveState, shutdownAll} from './power.js'
import type {NodeStop} from './power.js'
import {powerTargets} from './power-targets.js'
import {suspendAll} from './suspend.js'
import type {DestroyResult, StartResult, StopResult} from './results.js'
import {newStartRecord, StartSteps} from './start-steps.js'
import type {StartRecord} from './start-steps.js'
import {clusterEntry} from './state-entry.js'
import {startTimings} from './start-timings.js'
import {defaultClock} from './phase-timer.js'
import {clusterStatus} from './status.js'
import type {ClusterStatus} from './status-types.js'
import {sameOwner} from '../hypervisor/ownership.js'
import type {DomainDetails} from '../hypervisor/types.js'
import type {ClusterManagerDeps, RunSettings, VmClusterSpec} from './types.js'

/** What a stop run knows and what the kind's steps before shutdown add to its result (e.g. a drain report). */
export interface StopRecord {
  previous: ClusterStateEntry | undefined
  /** The cluster's running domains when the stop began. */
  active: DomainDetails[]
  /** Fields of the kind in the stop result (filled by its steps). */
  extras: Record<string, unknown>
  /** `stop --suspend`: the VMs' memory is saved, not shut down (a kind keeps its services running in it). */
  suspend: boolean
}

export interface StopOptions {
  /** Save each running VM's memory (managed save) instead of shutting it down. */
  suspend?: boolean
}

export class ClusterManager {
  protected readonly steps: StartSteps

  constructor(
    readonly spec: VmClusterSpec,
    readonly deps: ClusterManagerDeps,
  ) {
    this.steps = new StartSteps(spec, deps)
  }

  protected get name(): string {
    return this.spec.cluster.name
  }

  protected get kind(): string {
    return this.spec.cluster.kind
  }

  protected now(): Date {
    return this.deps.now?.() ?? new Date()
  }

  protected store(): StateStore {
    return new StateStore(this.spec.statePath, {log: this.deps.log})
  }

  /** Steps of the kind before anything of the start is checked or made (e.g. nodes the config dropped). */
  protected beforeStartSteps?(record: StartRecord, previous: ClusterStateEntry | undefined): Step[]

  /** Steps of the kind once every running VM answers SSH (e.g. inventory and deploy). */
  protected afterReadySteps?(record: StartRecord, previous: ClusterStateEntry | undefined): Step[]

  /** Fields of the kind in the state entry after a successful start. */
  protected entryExtras?(record: StartRecord, previous: ClusterStateEntry | undefined): Record<string, unknown>

  /** Ids of host checks whose failure does not stop this start (e.g. a deploy tool when nothing is deployed). */
  protected optionalHostChecks?(): readonly string[]

  /** Fields of the kind in the start result. */
  protected resultExtras?(record: StartRecord): Record<string, unknown>

  /** Steps of the kind before the VMs are shut down (e.g. drain), inside the operation lock. */
  protected beforeShutdownSteps?(record: StopRecord, run: RunSettings): Step[]

  /**
   * The kind's fields of the entry of a stopped cluster. Default: those of the previous entry; a kind
   * replaces live facts that no longer hold (no `healthy: true` on a stopped cluster).
   */
  protected stoppedEntryExtras?(previous: ClusterStateEntry, record: StopRecord): Record<string, unknown>

  /** Live fields of the kind in `status` (read-only: never writes). */
  protected statusExtras?(status: ClusterStatus, entry: ClusterStateEntry | undefined): Promise<Record<string, unknown>>

  /** Steps of the kind once its VMs, pool and network are gone (e.g. archive its own files), inside the operation lock. */
  protected afterDestroySteps?(previous: ClusterStateEntry | undefined): Step[]

  private runner(run: RunSettings): TaskRunner {
    return new TaskRunner({
      json: run.json,
      keepOnFailure: run.keepOnFailure,
      // Step warnings and the rollback summary go to the logger the kind was given, not around it.
      log: this.deps.log,
      ...(run.signal === undefined ? {} : {signal: run.signal}),
      ...(run.tty === undefined ? {} : {tty: run.tty}),
      ...(run.handleSigint === undefined ? {} : {handleSigint: run.handleSigint}),
    })
  }

  private async liveDomains(): Promise<Map<string, DomainDetails>> {
    const owner = clusterOwner(this.spec.cluster)
    const all = await this.deps.hypervisor.describeDomains(this.spec.cluster.nodes.map((n) => n.vmName))
    return new Map([...all].filter(([, d]) => sameOwner(d.owner, owner)))
  }

  /** Runs one operation under the cluster's operation lock (a second start/stop/destroy fails with CLUSTER_BUSY). */
  private locked<T>(operation: string, fn: () => Promise<T>): Promise<T> {
    const {statePath, stateKey} = this.spec
    return withClusterLock({statePath, stateKey, cluster: this.name, holder: `ai-how ${this.kind} ${operation} ${this.name}`, log: this.deps.log}, fn)
  }

  start(run: RunSettings): Promise<StartResult> {
    return this.locked('start', () => this.startLocked(run))
  }

  private async startLocked(run: RunSettings): Promise<StartResult> {
    const store = this.store()
    const previous = await store.getEntry(this.spec.stateKey)
    const clock = this.deps.clock ?? defaultClock
    const began = clock()
    const live = await readLive(this.deps.hypervisor, this.spec.cluster)
    const record = newStartRecord(planNodes(this.spec.cluster, live.domains), recordedFingerprints(previous), clock)
    const t = record.timer
    t.begin('total', began)
    // A suspended VM that start boots is restored from its saved memory (virsh start does it; the live view says which).
    const booting = record.plan.filter((p) => p.action === 'boot').map((p) => p.node.vmName)
    record.restored.push(...booting.filter((n) => live.managedSaved.has(n)))
    const prepare = [...(this.beforeStartSteps?.(record, previous) ?? []), this.steps.prepare(record, this.optionalHostChecks?.() ?? []), this.steps.hostKeys(record)]
    const afterSsh = [this.steps.clock(record), ...(this.afterReadySteps?.(record, previous) ?? [])]
    const steps = [...prepare.map((s) => t.timed('prepare', s)), t.timed('shared', this.steps.shared(record)), t.timed('nodes', this.steps.nodes(record)), t.timed('ssh_wait', this.steps.ssh(record)), ...afterSsh.map((s) => t.timed('after_ssh', s))]
    const result = await this.runner(run).run(`${this.kind} start ${this.name}`, steps)
    if (!result.ok) {
      await this.recordFailedStart(store, previous, result, record)
      throw result.error
    }
    const domains = await this.liveDomains()
    const extras = {...this.entryExtras?.(record, previous), ...(Object.keys(record.baseImages).length > 0 ? {base_images: record.baseImages} : {})}
    const entry = clusterEntry({spec: this.spec, domains, previous, status: 'running', now: this.now(), gpus: record.gpus, extras})
    await store.setEntry(this.spec.stateKey, entry)
    t.end('total')
    const vm = (key: string): string => this.spec.cluster.nodes.find((n) => n.key === key)?.vmName ?? key
    return {
      kind: this.kind,
      name: this.name,
      status: entry.status,
      state_file: store.file,
      network: networkName(this.name),
      pool: poolName(this.name),
      created: record.created.map(vm),
      started: record.started.map(vm),
      kept: record.plan.filter((p) => p.action === 'keep').map((p) => p.node.vmName),
      ssh_ready: record.ready.map((r) => ({name: r.name, host: r.host, seconds: Math.round(r.elapsedMs / 100) / 10})),
      restored: record.restored,
      clock: record.clocks,
      changes: record.changes,
      ...this.resultExtras?.(record),
      timings: startTimings(t, record.ready, record.restored),
    }
  }

  /**
   * After a failed start the state tells the truth: when everything this run made was undone, the
   * entry stays exactly as it was (or absent); when some of it is left (kept, or an undo failed),
   * the entry describes what exists now, with status 'failed'.
   */
  private async recordFailedStart(store: StateStore, previous: ClusterStateEntry | undefined, result: RunResult, record: StartRecord): Promise<void> {
    if (result.kept.length === 0) return
    const domains = await this.liveDomains()
    const message = result.error instanceof Error ? result.error.message : String(result.error)
    const entry = clusterEntry({spec: this.spec, domains, previous, status: 'failed', now: this.now(), gpus: record.gpus, extras: {last_error: message, left_behind: result.kept}})
    await store.setEntry(this.spec.stateKey, entry)
  }

  stop(run: RunSettings, timeoutMs: number, options: StopOptions = {}): Promise<StopResult> {
    return this.locked('stop', () => this.stopLocked(run, timeoutMs, options.suspend === true))
  }

  private async stopLocked(run: RunSettings, timeoutMs: number, suspend: boolean): Promise<StopResult> {
    const store = this.store()
    const previous = await store.getEntry(this.spec.stateKey)
    const before = await this.liveDomains()
    const active = [...before.values()].filter((d) => isActiveState(d.state))
    const record: StopRecord = {previous, active, extras: {}, suspend}
    const report = {graceful: [] as string[], forced: [] as string[], suspended: [] as string[], nodes: [] as NodeStop[], warnings: [] as string[]}
    const uri = this.deps.hypervisor.uri
    const step: Step = {
      title: `${suspend ? 'Suspend' : 'Shut down'} ${active.length} VM(s) of ${this.name}`,
      skip: active.length === 0 ? 'no VM of the cluster runs' : false,
      run: async (ctx) => {
        let toStop = active
        if (suspend) {
          const saved = await suspendAll(this.deps.hypervisor, active, (l) => { ctx.setOutput(l) })
          report.nodes.push(...saved.nodes)
          report.suspended.push(...saved.nodes.map((n) => n.name))
          for (const {warning} of saved.unsaved) {
            report.warnings.push(warning)
            ctx.log.warn(warning)
          }
          toStop = saved.unsaved.map((u) => u.domain)
        }
        const targets = await powerTargets(this.deps.hypervisor, this.spec, toStop)
        const result = await shutdownAll(this.deps.hypervisor, targets, {timeoutMs, signal: ctx.signal, onProgress: (l) => { ctx.setOutput(l) }, ...(this.deps.sshPowerOff === undefined ? {} : {sshPowerOff: this.deps.sshPowerOff})})
        report.graceful.push(...result.graceful)
        report.forced.push(...result.forced)
        report.nodes.push(...result.nodes)
        for (const node of result.nodes.filter((n) => n.method === 'forced')) {
          report.warnings.push(forcedWarning(node, timeoutMs))
          ctx.log.warn(forcedWarning(node, timeoutMs))
        }
        for (const node of this.spec.cluster.nodes.filter((n) => before.has(n.vmName))) await this.deps.contributions.lifecycle('after-stop', node, uri)
        return undefined
      },
    }
    const kindSteps = active.length === 0 ? [] : (this.beforeShutdownSteps?.(record, run) ?? [])
    const result = await this.runner(run).run(`${this.kind} stop ${this.name}`, [...kindSteps, step])
    if (!result.ok) throw result.error
    const domains = await this.liveDomains()
    const off = [...domains.values()].every((d) => !isActiveState(d.state))
    const saved = off && domains.size > 0 ? await this.deps.hypervisor.managedSavedDomains([...domains.keys()]) : new Set<string>()
    const status = domains.size === 0 ? 'not_created' : !off ? 'partial' : saved.size > 0 ? 'suspended' : 'stopped'
    if (domains.size > 0 || previous !== undefined) {
      const extras = previous === undefined ? {} : (this.stoppedEntryExtras?.(previous, record) ?? kindFields(previous))
      await store.setEntry(this.spec.stateKey, clusterEntry({spec: this.spec, domains, previous, status, now: this.now(), extras}))
    }
    return {
      kind: this.kind,
      name: this.name,
      status,
      stopped: report.graceful,
      forced: report.forced,
      suspended: report.suspended,
      nodes: report.nodes,
      warnings: report.warnings,
      already_off: [...before.values()].filter((d) => !isActiveState(d.state)).map((d) => d.name),
      ...record.extras,
    }
  }

  /** Read-only: never writes the state file nor touches libvirt objects. */
  async status(): Promise<ClusterStatus> {
    const entry = await this.store().getEntry(this.spec.stateKey)
    const status = await clusterStatus(this.deps.hypervisor, this.spec, entry)
    return this.statusExtras === undefined ? status : {...status, ...(await this.statusExtras(status, entry))}
  }

  /** Removes everything ai-how owns of this cluster; running VMs are powered off at once (the cluster is going away). */
  async destroy(run: RunSettings, options: {confirmed: boolean}): Promise<DestroyResult> {
    if (!options.confirmed) {
      throw new UsageError(`refusing to destroy ${this.kind} cluster ${this.name} without confirmation`, {
        code: 'DESTROY_NOT_CONFIRMED',
        actions: ['Run it in a terminal to answer the prompt, or pass --force.'],
      })
    }
    return this.locked('destroy', () => this.destroyLocked(run))
  }

  private async destroyLocked(run: RunSettings): Promise<DestroyResult> {
    const store = this.store()
    const previous = await store.getEntry(this.spec.stateKey)
    const owned = await findOwned(this.deps.hypervisor, this.spec.cluster)
    const report: DestroyReport = {domains: [], pools: [], networks: [], forced: []}
    const tools = {deps: this.deps, vms: this.steps.vms, volumes: this.steps.volumes, network: this.steps.network}
    const steps = [...destroySteps(tools, this.spec.cluster, owned, report), ...(this.afterDestroySteps?.(previous) ?? [])]
    const result = await this.runner(run).run(`${this.kind} destroy ${this.name}`, steps)
    if (!result.ok) {
      if (previous !== undefined) await store.setEntry(this.spec.stateKey, {...previous, status: 'destroy_failed', updated_at: this.now().toISOString()})
      throw result.error
    }
    // The cluster's known_hosts and its nodes' host keys go with it: re-created VMs get new ones.
    await rm(this.spec.ssh.knownHostsFile, {force: true})
    await removeClusterHostKeys(this.spec.outputDir, this.name)
    const nothing = previous === undefined && owned.domains.length + owned.pools.length + owned.networks.length === 0
    const archive = nothing ? null : await archiveDestroyed(this.spec.outputDir, this.kind, this.name, previous, this.now())
    if (previous !== undefined) await store.setEntry(this.spec.stateKey, undefined)
    return {kind: this.kind, name: this.name, ...report, archive, state_entry_removed: previous !== undefined}
  }
}

const COMMON_FIELDS = new Set(['name', 'kind', 'config_file', 'status', 'libvirt_uri', 'network', 'pool', 'ssh', 'nodes', 'created_at', 'updated_at', 'last_error', 'left_behind'])

/** The kind's own fields of an entry (inventory, deploy, ...), kept when stop rewrites it. */
export function kindFields(entry: ClusterStateEntry): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry).filter(([k]) => !COMMON_FIELDS.has(k)))
}
