/**
 * CloudVMManager: the VM base lifecycle for a Kubernetes cluster. After SSH: Kubespray inventory,
 * deploy, admin kubeconfig, uncordon, health (start-steps.ts); before shutdown: drain and kubelet
 * stop (stop-steps.ts); a stopped entry keeps no live Kubernetes facts; status adds a live
 * Kubernetes section (read-only, an unreachable API is reported, not fatal).
 */
import {existsSync} from 'node:fs'
import {dataMap} from '@ai-how/core'
import type {ClusterStateEntry, Step} from '@ai-how/core'
import {ClusterManager, kindFields} from '@ai-how/plugin-hpc'
import type {ClusterManagerDeps, ClusterStatus, StartRecord, StopRecord, VmClusterSpec} from '@ai-how/plugin-hpc'
import {sshGuestRunner} from './guest.js'
import type {GuestRunner} from './guest.js'
import {healthDetails, lookOnce} from './health.js'
import {kubernetesEntry} from './options.js'
import type {CloudOptions, KubernetesEntry} from './options.js'
import {kubeconfigPath} from './paths.js'
import {cloudStartSteps} from './start-steps.js'
import type {CloudStartRun} from './start-steps.js'
import {cloudStopSteps} from './stop-steps.js'
import type {CloudStopRun} from './stop-steps.js'

/** How long `status` waits for each request of its one look at the API (no retries). */
const STATUS_API_TIMEOUT_MS = 5000

export class CloudVMManager extends ClusterManager {
  private readonly starts = new WeakMap<StartRecord, CloudStartRun>()
  private readonly stops = new WeakMap<StopRecord, CloudStopRun>()
  private readonly guest: GuestRunner

  constructor(spec: VmClusterSpec, deps: ClusterManagerDeps, private readonly cloud: CloudOptions) {
    super(spec, deps)
    this.guest = cloud.guest ?? sshGuestRunner(spec)
  }

  private get kubeconfig(): string {
    return kubeconfigPath(this.spec.outputDir, this.name)
  }

  private startRun(record: StartRecord): CloudStartRun {
    let run = this.starts.get(record)
    if (run === undefined) {
      // Keyed by VM name: data, printed as it is under --json.
      run = {leftOut: [], uncordoned: [], runtimeStarted: dataMap({})}
      this.starts.set(record, run)
    }
    return run
  }

  protected override afterReadySteps(record: StartRecord, previous: ClusterStateEntry | undefined): Step[] {
    return cloudStartSteps({spec: this.spec, deps: this.deps, cloud: this.cloud, guest: this.guest, record, previous, run: this.startRun(record)})
  }

  /** Ansible and Kubespray's tools are needed only when the deploy runs. */
  protected override optionalHostChecks(): readonly string[] {
    return this.cloud.skipDeploy ? ['tool.ansible'] : []
  }

  private kubernetes(run: CloudStartRun, previous: ClusterStateEntry | undefined): KubernetesEntry {
    const before = kubernetesEntry(previous?.kubernetes)
    const kubeconfig = run.kubeconfig ?? (existsSync(this.kubeconfig) ? before?.kubeconfig ?? null : null)
    const cordoned = (before?.cordoned ?? []).filter((n) => !run.uncordoned.includes(n))
    if (run.health === undefined) return {kubeconfig, healthy: null, checked_at: null, cordoned}
    return {...run.health.details, kubeconfig, healthy: run.health.healthy, checked_at: this.now().toISOString(), cordoned}
  }

  private deployField(run: CloudStartRun, previous: ClusterStateEntry | undefined): unknown {
    const d = run.deploy
    if (d?.ran === true) return {ok: d.result.ok, playbook: d.result.playbook ?? null, log_file: d.result.logFile ?? null, at: this.now().toISOString()}
    return previous?.deploy ?? null
  }

  protected override entryExtras(record: StartRecord, previous: ClusterStateEntry | undefined): Record<string, unknown> {
    const run = this.startRun(record)
    return {inventory: run.inventory ?? null, deploy: this.deployField(run, previous), kubernetes: this.kubernetes(run, previous)}
  }

  protected override resultExtras(record: StartRecord): Record<string, unknown> {
    const run = this.startRun(record)
    const d = run.deploy
    return {
      inventory: run.inventory ?? null,
      left_out: run.leftOut.map((n) => ({name: n.vmName, reason: n.reason})),
      deploy: d?.ran === true ? {ran: true, ok: d.result.ok, log_file: d.result.logFile ?? null, summary: d.result.summary} : {ran: false, reason: d?.reason ?? null},
      kubernetes: {kubeconfig: run.kubeconfig ?? null, healthy: run.health?.healthy ?? null, uncordoned: run.uncordoned, runtime_started: run.runtimeStarted, ...run.health?.details},
    }
  }

  protected override beforeShutdownSteps(record: StopRecord): Step[] {
    // Keyed by VM name: data, printed as it is under --json.
    const run: CloudStopRun = {runtimeStopped: dataMap({})}
    this.stops.set(record, run)
    return cloudStopSteps({spec: this.spec, deps: this.deps, cloud: this.cloud, guest: this.guest, record, run})
  }

  /** A stopped cluster has no live Kubernetes facts; the nodes this stop cordoned are remembered for the next start. */
  protected override stoppedEntryExtras(previous: ClusterStateEntry, record: StopRecord): Record<string, unknown> {
    const before = kubernetesEntry(previous.kubernetes)
    const drain = this.stops.get(record)?.drain
    const cordoned = drain !== undefined && 'cordoned' in drain ? drain.cordoned : []
    const kubernetes: KubernetesEntry = {kubeconfig: before?.kubeconfig ?? null, healthy: null, checked_at: null, cordoned: [...new Set([...(before?.cordoned ?? []), ...cordoned])]}
    return {...kindFields(previous), kubernetes}
  }

  protected override async statusExtras(status: ClusterStatus, entry: ClusterStateEntry | undefined): Promise<Record<string, unknown>> {
    const running = status.nodes.filter((n) => n.state === 'running').map((n) => n.name)
    const kubeconfig = kubernetesEntry(entry?.kubernetes)?.kubeconfig ?? (existsSync(this.kubeconfig) ? this.kubeconfig : null)
    if (running.length === 0) return {kubernetes: {api_reachable: false, reason: 'no VM of the cluster runs', kubeconfig}}
    if (kubeconfig === null || !existsSync(kubeconfig)) return {kubernetes: {api_reachable: false, reason: 'no kubeconfig (started with --skip-deploy, or the deploy failed)', kubeconfig: null}}
    const health = await lookOnce(kubeconfig, running, STATUS_API_TIMEOUT_MS)
    return {kubernetes: {healthy: health.healthy, kubeconfig, ...healthDetails(health), checks: health.checks}}
  }
}
