/**
 * The hpc cluster manager: the VM base lifecycle plus, once the VMs answer SSH, the Ansible
 * inventory in `<output>/<cluster>/inventory.ini` and the deploy playbook (unless --skip-deploy, or
 * nothing was created and the last deploy succeeded).
 */
import path from 'node:path'
import {toIni} from '@ai-how/core'
import type {ClusterStateEntry, Step, Undo} from '@ai-how/core'
import {buildHpcInventory} from '../inventory/hpc-inventory.js'
import {ClusterManager} from '../vm/cluster-manager.js'
import {inventoryPath} from '../vm/paths.js'
import {liveNodesOfRun} from '../vm/start-steps.js'
import type {StartRecord} from '../vm/start-steps.js'
import {writeFileWithUndo} from '../vm/file-undo.js'
import type {ClusterManagerDeps, VmClusterSpec} from '../vm/types.js'
import {inventoryAccess} from '../vm/inventory-access.js'
import {deployFailedError, runDeployer} from '../vm/kind-extensions.js'
import type {DeployResult} from '@ai-how/core'
import type {StopRecord} from '../vm/cluster-manager.js'
import {kindFields} from '../vm/cluster-manager.js'
import {removeNodesStep} from '../vm/removed-nodes.js'
import {sshSlurmRunner} from '../slurm/controller.js'
import type {SlurmRunner} from '../slurm/controller.js'
import type {DrainReport} from '../slurm/drain.js'
import {slurmEntry} from '../slurm/managed.js'
import type {ResumeReport} from '../slurm/resume.js'
import type {HpcOptions} from './options.js'
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

  /** A stopped entry remembers the nodes this stop drained; the next start resumes them. */
  protected override stoppedEntryExtras(previous: ClusterStateEntry, record: StopRecord): Record<string, unknown> {
    return {...kindFields(previous), ...stoppedSlurmEntry(previous, this.drains.get(record))}
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

  private deployDecision(record: StartRecord, previous: ClusterStateEntry | undefined): string | false {
    if (this.hpc.section.deploy?.playbook === undefined) return 'no deploy.playbook in the config'
    if (this.hpc.skipDeploy) return '--skip-deploy'
    const last = previous?.deploy as {ok?: unknown; playbook?: unknown} | undefined
    if (record.created.length === 0 && this.slurmRun(record).removed.length === 0 && last?.ok === true && last.playbook === this.hpc.section.deploy.playbook) return 'no VM was created and the last deploy succeeded'
    return false
  }

  protected override afterReadySteps(record: StartRecord, previous: ClusterStateEntry | undefined): Step[] {
    return [
      {title: `Inventory ${this.inventoryFile}`, run: () => this.writeInventory(record)},
      {
        title: 'Deploy',
        run: async (ctx) => {
          const skip = this.deployDecision(record, previous)
          if (skip !== false) {
            this.deploys.set(record, {state: 'skipped', reason: skip})
            ctx.setTitle(`Deploy: skipped (${skip})`)
            return undefined
          }
          ctx.setTitle(`Deploy: ansible-playbook ${path.basename(this.hpc.section.deploy?.playbook ?? '')}`)
          const result = await runDeployer(this.deps.extensions, this.kind, this.inventoryFile, ctx, this.inventoryHosts.get(record) ?? [])
          this.deploys.set(record, {state: 'ran', result})
          if (!result.ok) throw deployFailedError(this.kind, result)
          ctx.setTitle(`Deploy: ${result.summary} (log ${result.logFile ?? ''})`)
          return undefined
        },
      },
      resumeStep(this.slurmInput, record, previous, this.slurmRun(record).resume),
      removedGoneStep(this.slurmInput, record, previous, this.slurmRun(record).removed),
    ]
  }

  private deployFields(record: StartRecord, previous: ClusterStateEntry | undefined): unknown {
    const d = this.deploys.get(record)
    if (d?.state === 'ran' && d.result) return {ok: d.result.ok, playbook: d.result.playbook ?? null, log_file: d.result.logFile ?? null, at: this.now().toISOString()}
    return previous?.deploy ?? null
  }

  /** Ansible is needed only when the deploy playbook runs. */
  protected override optionalHostChecks(): readonly string[] {
    return this.hpc.skipDeploy || this.hpc.section.deploy?.playbook === undefined ? ['tool.ansible'] : []
  }

  protected override entryExtras(record: StartRecord, previous: ClusterStateEntry | undefined): Record<string, unknown> {
    const slurm = previous?.slurm === undefined ? {} : {slurm: {...slurmEntry(previous.slurm), drained: this.slurmRun(record).resume.kept}}
    return {inventory: this.inventoryFile, deploy: this.deployFields(record, previous), ...slurm}
  }

  protected override resultExtras(record: StartRecord): Record<string, unknown> {
    const d = this.deploys.get(record)
    return {
      inventory: this.inventoryFile,
      removed: this.slurmRun(record).removed,
      resumed: this.slurmRun(record).resume.report?.resumed ?? [],
      deploy: d?.state === 'ran' && d.result ? {ran: true, ok: d.result.ok, log_file: d.result.logFile ?? null, summary: d.result.summary} : {ran: false, reason: d?.reason ?? null},
    }
  }
}
