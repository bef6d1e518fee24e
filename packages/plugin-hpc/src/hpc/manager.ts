/**
 * The hpc cluster manager: the VM base lifecycle plus, once the VMs answer SSH, the Ansible
 * inventory in `<output>/<cluster>/inventory.ini`, the deploy playbook (the config's own, or the
 * Slurm playbook shipped with ai-how; unless --skip-deploy, or nothing was created or removed and the
 * last deploy succeeded, unless --redeploy), then, when Slurm is ai-how's, the resume of the nodes
 * the last stop drained and Slurm's health (slurm-step.ts, slurm-steps.ts). Before a stop: the drain;
 * before a start: nodes the config dropped are refused or removed (--remove-nodes).
 */
import path from 'node:path'
import {toIni} from '@ai-how/core'
import type {ClusterStateEntry, DeployResult, HealthReport, Step, Undo} from '@ai-how/core'
import {buildHpcInventory} from '../inventory/hpc-inventory.js'
import {ClusterManager, kindFields} from '../vm/cluster-manager.js'
import type {StopRecord} from '../vm/cluster-manager.js'
import {inventoryPath} from '../vm/paths.js'
import {liveNodesOfRun} from '../vm/start-steps.js'
import type {StartRecord} from '../vm/start-steps.js'
import {writeFileWithUndo} from '../vm/file-undo.js'
import type {ClusterManagerDeps, VmClusterSpec} from '../vm/types.js'
import type {ClusterStatus} from '../vm/status-types.js'
import {inventoryAccess} from '../vm/inventory-access.js'
import {deployFailedError, runDeployer} from '../vm/kind-extensions.js'
import {removeNodesStep} from '../vm/removed-nodes.js'
import {sshSlurmRunner} from '../slurm/controller.js'
import type {SlurmRunner} from '../slurm/controller.js'
import type {DrainReport} from '../slurm/drain.js'
import {slurmEntry, slurmManaged} from '../slurm/managed.js'
import type {ResumeReport} from '../slurm/resume.js'
import {deployPlan} from './deployer.js'
import {ensureMungeKey, removeMungeKey} from './munge-key.js'
import type {HpcOptions} from './options.js'
import {slurmHealthStep, slurmStatus, withSlurmView} from './slurm-step.js'
import {downBeforeRemove, drainStep, removedGoneStep, resumeStep, stoppedSlurmEntry} from './slurm-steps.js'
import type {SlurmStepInput} from './slurm-steps.js'

export type {HpcOptions} from './options.js'

interface DeployRecord {
  state: 'ran' | 'skipped'
  reason?: string
  result?: DeployResult
}

export class HpcClusterManager extends ClusterManager {
  private readonly deploys = new WeakMap<StartRecord, DeployRecord>()
  /** The hosts of the inventory each run wrote (the nodes that run): the deploy must reach each. */
  private readonly inventoryHosts = new WeakMap<StartRecord, string[]>()
  private readonly healths = new WeakMap<StartRecord, HealthReport>()
  /** Of each start: the VM names of the nodes it removed (--remove-nodes), and its Slurm resume. */
  private readonly slurmRuns = new WeakMap<StartRecord, {removed: string[]; resume: {report?: ResumeReport; kept: string[]}}>()
  private readonly drains = new WeakMap<StopRecord, DrainReport>()
  private readonly slurm: SlurmRunner

  constructor(spec: VmClusterSpec, deps: ClusterManagerDeps, private readonly hpc: HpcOptions) {
    super(spec, deps)
    this.slurm = hpc.slurm ?? sshSlurmRunner(spec)
  }

  private get slurmInput(): SlurmStepInput {
    return {spec: this.spec, deps: this.deps, hpc: this.hpc, slurm: this.slurm}
  }

  private slurmRun(record: StartRecord): {removed: string[]; resume: {report?: ResumeReport; kept: string[]}} {
    let run = this.slurmRuns.get(record)
    if (run === undefined) {
      run = {removed: [], resume: {kept: []}}
      this.slurmRuns.set(record, run)
    }
    return run
  }

  /** Nodes the config dropped: refused, or removed with --remove-nodes, before anything else. */
  protected override beforeStartSteps(record: StartRecord, previous: ClusterStateEntry | undefined): Step[] {
    const beforeRemove = downBeforeRemove(this.slurmInput, previous)
    return [removeNodesStep({spec: this.spec, deps: this.deps, vms: this.steps.vms, volumes: this.steps.volumes, previous, allowed: this.hpc.removeNodes === true, removed: this.slurmRun(record).removed, ...(beforeRemove === undefined ? {} : {beforeRemove})})]
  }

  /** Drains the running compute nodes in Slurm (when ai-how manages it), with or without --suspend. */
  protected override beforeShutdownSteps(record: StopRecord): Step[] {
    return [drainStep(this.slurmInput, record, this.drains)]
  }

  /**
   * A stopped entry remembers the nodes this stop drained (the next start resumes them) and keeps
   * the last Slurm facts, no longer claimed (healthy: null): a stopped cluster has no live ones.
   */
  protected override stoppedEntryExtras(previous: ClusterStateEntry, record: StopRecord): Record<string, unknown> {
    const before = previous.slurm === null ? {...previous, slurm: undefined} : previous
    const kept = stoppedSlurmEntry(before, this.drains.get(record)).slurm as Record<string, unknown> | undefined
    const unclaimed = kept !== undefined && 'healthy' in kept ? {...kept, healthy: null, checked_at: null} : kept
    return {...kindFields(previous), slurm: unclaimed ?? null}
  }

  private get inventoryFile(): string {
    return inventoryPath(this.spec.outputDir, this.name)
  }

  /** Writes the inventory of the running nodes; the undo puts the previous file back (or removes it). */
  private async writeInventory(record: StartRecord): Promise<Undo> {
    const inventory = buildHpcInventory(this.spec.cluster, this.hpc.section, inventoryAccess(this.spec), liveNodesOfRun(record))
    const text = toIni(inventory)
    this.inventoryHosts.set(record, inventory.hosts.map((h) => h.name))
    return writeFileWithUndo(this.inventoryFile, text, {title: `inventory ${this.inventoryFile}`})
  }

  /** Why the deploy is skipped, or false when it runs. */
  deployDecision(record: Pick<StartRecord, 'created'>, previous: ClusterStateEntry | undefined): string | false {
    if (this.hpc.skipDeploy) return '--skip-deploy'
    if (this.hpc.redeploy === true) return false
    const last = previous?.deploy as {ok?: unknown; playbook?: unknown} | undefined
    const playbook = deployPlan(this.hpc.section, this.spec.outputDir).playbook
    const removed = this.slurmRuns.get(record as StartRecord)?.removed.length ?? 0
    if (record.created.length === 0 && removed === 0 && last?.ok === true && last.playbook === playbook) return 'no VM was created and the last deploy succeeded'
    return false
  }

  protected override afterReadySteps(record: StartRecord, previous: ClusterStateEntry | undefined): Step[] {
    return [
      {title: `Inventory ${this.inventoryFile}`, run: () => this.writeInventory(record)},
      {
        title: 'Munge key',
        run: async (ctx) => {
          if (this.deployDecision(record, previous) !== false || !deployPlan(this.hpc.section, this.spec.outputDir).builtin) {
            ctx.setTitle('Munge key: not needed (no Slurm deploy in this run)')
            return undefined
          }
          const key = await ensureMungeKey(this.spec.outputDir, this.name)
          ctx.setTitle(`Munge key ${key.file}: ${key.created ? 'generated' : 'kept'}`)
          return key.undo
        },
      },
      record.timer.timed('deploy', {
        title: 'Deploy',
        run: async (ctx) => {
          const skip = this.deployDecision(record, previous)
          if (skip !== false) {
            record.timer.drop('deploy')
            this.deploys.set(record, {state: 'skipped', reason: skip})
            ctx.setTitle(`Deploy: skipped (${skip})`)
            return undefined
          }
          const plan = deployPlan(this.hpc.section, this.spec.outputDir)
          ctx.setTitle(`Deploy: ansible-playbook ${path.basename(plan.playbook)}${plan.builtin ? ' (Slurm, shipped with ai-how)' : ''}`)
          const result = await runDeployer(this.deps.extensions, this.kind, this.inventoryFile, ctx, this.inventoryHosts.get(record) ?? [])
          this.deploys.set(record, {state: 'ran', result})
          if (!result.ok) throw await withSlurmView(deployFailedError(this.kind, result), plan.builtin, this.deps.extensions)
          ctx.setTitle(`Deploy: ${result.summary} (log ${result.logFile ?? ''})`)
          return undefined
        },
      }),
      resumeStep(this.slurmInput, record, previous, this.slurmRun(record).resume),
      removedGoneStep(this.slurmInput, record, previous, this.slurmRun(record).removed),
      slurmHealthStep({
        extensions: this.deps.extensions,
        managed: () => this.slurmManagedAfter(record, previous),
        deployLog: () => this.deploys.get(record)?.result?.logFile ?? (previous?.deploy as {log_file?: string} | undefined)?.log_file,
        timeoutMs: this.hpc.healthTimeoutMs,
        onReport: (r) => this.healths.set(record, r),
      }),
    ]
  }

  /** Whether Slurm is ai-how's after this run's deploy step (ran the shipped playbook, or skipped after it succeeded). */
  private slurmManagedAfter(record: StartRecord, previous: ClusterStateEntry | undefined): boolean {
    const d = this.deploys.get(record)
    if (d?.state === 'ran') return d.result !== undefined && (d.result as {builtin?: unknown}).builtin === true && d.result.ok
    return d?.reason !== '--skip-deploy' && slurmManaged(previous)
  }

  private deployFields(record: StartRecord, previous: ClusterStateEntry | undefined): unknown {
    const d = this.deploys.get(record)
    if (d?.state === 'ran' && d.result) return {ok: d.result.ok, builtin: (d.result as {builtin?: unknown}).builtin === true, playbook: d.result.playbook ?? null, log_file: d.result.logFile ?? null, at: this.now().toISOString()}
    return previous?.deploy ?? null
  }

  /** Ansible is needed only when the deploy playbook runs. */
  protected override optionalHostChecks(): readonly string[] {
    return this.hpc.skipDeploy ? ['tool.ansible'] : []
  }

  /** The entry's `slurm`: this run's health facts (else the last ones) and the drained nodes still to resume. */
  protected override entryExtras(record: StartRecord, previous: ClusterStateEntry | undefined): Record<string, unknown> {
    const health = this.healths.get(record)
    const drained = this.slurmRun(record).resume.kept
    const before = previous?.slurm === undefined || previous.slurm === null ? undefined : slurmEntry(previous.slurm)
    const facts = health === undefined ? before : {healthy: health.healthy, checked_at: this.now().toISOString(), ...health.details}
    const slurm = facts === undefined && drained.length === 0 ? null : {...facts, drained}
    return {inventory: this.inventoryFile, deploy: this.deployFields(record, previous), slurm}
  }

  protected override resultExtras(record: StartRecord): Record<string, unknown> {
    const d = this.deploys.get(record)
    const health = this.healths.get(record)
    return {
      inventory: this.inventoryFile,
      removed: this.slurmRun(record).removed,
      resumed: this.slurmRun(record).resume.report?.resumed ?? [],
      slurm: health === undefined ? null : {healthy: health.healthy, ...health.details, checks: health.checks},
      deploy: d?.state === 'ran' && d.result ? {ran: true, ok: d.result.ok, log_file: d.result.logFile ?? null, summary: d.result.summary} : {ran: false, reason: d?.reason ?? null},
    }
  }

  /** The cluster's munge key goes with it. */
  protected override afterDestroySteps(): Step[] {
    return [{title: 'Munge key', run: async (ctx) => {
      ctx.setTitle((await removeMungeKey(this.spec.outputDir, this.name)) ? 'Munge key removed' : 'Munge key: none')
      return undefined
    }}]
  }

  /** Slurm's view (one sinfo look) when ai-how deployed it and the controller runs. */
  protected override async statusExtras(status: ClusterStatus, entry: ClusterStateEntry | undefined): Promise<Record<string, unknown>> {
    return {slurm: await slurmStatus(status, entry, this.deps.extensions)}
  }
}
